// The one route table of a transport: every route declared once with its
// method, path pattern and the role it needs. A request is matched on its
// canonical segments (path.hpp); what matches no route is 404, what matches
// a path but not its method is 405, before any handler runs. Deny by
// default: a route has no handler without an access level.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/server/auth.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::server {

enum class Access {
  open,   // anyone: what a load balancer or a browser asks before it has a key
  user,   // any key or token (everyone when auth is off)
  admin,  // the admin role (everyone when auth is off)
};

struct RouteOptions {
  // Changes what the server holds: refused from a foreign Origin and, with
  // no Origin, as a "simple" request a cross-site form could send.
  bool changes_state = false;
  // May block: runs off the I/O threads (Response::later).
  bool may_block = false;
  // ?api_key= / ?token= accepted (always on upgrades; on REST only where a
  // transport's published API documents it).
  bool url_credentials = false;
};

// One matched request, as its handler sees it.
struct Call {
  const Request &request;
  const std::vector<std::string> &segments;                 // the canonical path
  std::vector<std::pair<std::string, std::string>> params;  // {name} → segment
  Identity who;                                             // role admin for everyone when auth is off
  std::string client;                                       // the client's address (trusted proxies believed)

  const std::string &param(std::string_view name) const;
};

using Handler = std::function<Response(const Call &)>;
using OnOpen = std::function<void(std::shared_ptr<Socket>)>;
using UpgradeHandler = std::function<Response(const Call &, SocketHandlers &, OnOpen &)>;

class Router {
 public:
  struct Route {
    std::string method;                // "GET", "POST", "DELETE", ...; upgrades are GET
    std::vector<std::string> pattern;  // literal segments, or "{name}"
    Access access = Access::admin;
    RouteOptions options;
    Handler handler;
    UpgradeHandler upgrade;
  };

  struct Match {
    const Route *route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    int status = 0;     // 404 or 405 when route is null
    std::string allow;  // the path's methods, for 405 and preflight
  };

  // Pattern: "/sessions/{session_id}"; a later duplicate throws.
  Router &add(std::string method, std::string_view pattern, Access access, Handler handler, RouteOptions options = {});
  Router &add_upgrade(std::string_view pattern, Access access, UpgradeHandler handler, RouteOptions options = {});

  // The route for this method and path. Literal segments win over
  // parameters, position by position from the left.
  Match match(std::string_view method, const std::vector<std::string> &segments, bool upgrade) const;

  const std::vector<Route> &routes() const noexcept { return routes_; }

 private:
  Router &insert(Route route);
  std::vector<Route> routes_;
};

}  // namespace switchboard::server
