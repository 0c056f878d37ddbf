// HTTP content negotiation (RFC 9110 §12.5.1): which of the types a route
// can answer with the client's Accept header ranks highest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::server {

// The offered type the Accept header prefers: the highest q (a type named
// exactly beats "type/*", which beats "*/*"; ties go to the earlier
// offer). The first offer when Accept is empty; "" when none is acceptable.
std::string preferred_type(std::string_view accept, const std::vector<std::string> &offered);

}  // namespace switchboard::server
