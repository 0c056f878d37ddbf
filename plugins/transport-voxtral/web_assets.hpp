// The files under web/, compiled into the plugin (plugins/CMakeLists.txt
// embeds them): the binary serves them, nothing is fetched at run time.
#pragma once

#include <string_view>

namespace voxtral::assets {

extern const std::string_view index_html;
extern const std::string_view docs_html;
extern const std::string_view openapi_json;
extern const std::string_view openapi_viewer_js;
extern const std::string_view openapi_viewer_css;

}  // namespace voxtral::assets
