#include "switchboard/server/socket_refusal.hpp"

namespace switchboard::server {

void refuse_after_upgrade(SocketHandlers &handlers, OnOpen &on_open, std::string message, std::uint16_t code,
                          std::string reason) {
  handlers.on_text = [](std::string_view) {};
  handlers.on_binary = [](std::string_view) {};
  handlers.on_close = [] {};
  on_open = [message = std::move(message), code, reason = std::move(reason)](std::shared_ptr<Socket> socket) {
    socket->send_text(message);
    socket->close(code, reason);
  };
}

}  // namespace switchboard::server
