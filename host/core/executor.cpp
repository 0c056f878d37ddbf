#include "core/executor.hpp"

#include <boost/asio/post.hpp>

namespace switchboard::core {

Executor::Executor(unsigned threads) : guard_(boost::asio::make_work_guard(io_)) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
}

Executor::~Executor() {
  stop();
}

void Executor::post(std::function<void()> fn) {
  boost::asio::post(io_, std::move(fn));
}

std::shared_ptr<boost::asio::steady_timer> Executor::post_after(std::chrono::milliseconds delay,
                                                                std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code &) { fn(); });
  return timer;
}

void Executor::stop() {
  guard_.reset();
  for (auto &t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

}  // namespace switchboard::core
