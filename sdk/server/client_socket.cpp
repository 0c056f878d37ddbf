#include "switchboard/server/client_socket.hpp"

namespace switchboard::server {

void ClientSocket::opened(std::shared_ptr<Socket> socket) {
  std::lock_guard lock(mutex_);
  if (!closed_) socket_ = std::move(socket);
}

void ClientSocket::send(const nlohmann::json &message) {
  std::lock_guard lock(mutex_);
  if (socket_ && !closed_) socket_->send_text(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ClientSocket::close(std::uint16_t code, const std::string &reason) {
  std::lock_guard lock(mutex_);
  if (socket_ && !closed_) socket_->close(code, reason);
}

void ClientSocket::closed() {
  std::function<void()> released;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    released.swap(released_);
    socket_.reset();
  }
  turns_.stop_all();  // not under the lock: a turn's output may be sending
  if (released) released();
}

}  // namespace switchboard::server
