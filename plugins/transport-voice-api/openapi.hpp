// GET /openapi.json: the OpenAPI 3 description of this transport.
#pragma once

#include <string>

namespace voice_api {

const std::string &openapi_document();

}  // namespace voice_api
