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
