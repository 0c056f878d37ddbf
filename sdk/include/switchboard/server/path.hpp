// A request path made canonical once, before anything looks at it: split at
// '/', each segment percent-decoded, empty and "." segments dropped, ".."
// taking back the one before it. Routing and authorization then see the
// same segments, so no spelling of a path ("//a", "/a/", "/a/./b",
// "/%61") reaches a route its canonical form would not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::server {

// The segments of `raw` (the path part of a request target, still encoded),
// or nullopt with the reason when no route could be meant by it: ".." above
// the root, a bad percent escape, an encoded '/' or NUL inside a segment, a
// segment that is not valid UTF-8.
std::optional<std::vector<std::string>> normalize_path(std::string_view raw, std::string &why);

// The canonical text of segments: "/" + joined by "/".
std::string join_path(const std::vector<std::string> &segments);

// Whether text is well-formed UTF-8 (no overlongs, surrogates or code
// points past U+10FFFF).
bool valid_utf8(std::string_view text) noexcept;

}  // namespace switchboard::server
