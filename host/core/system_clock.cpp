#include "core/system_clock.hpp"

#include <boost/asio/steady_timer.hpp>

namespace switchboard::core {
namespace {

class AsioTimer : public Timer {
 public:
  AsioTimer(boost::asio::io_context &io, Duration delay) : timer_(io, delay) {}
  void cancel() override { timer_.cancel(); }
  boost::asio::steady_timer &get() { return timer_; }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace

TimerPtr SystemClock::schedule(Duration delay, std::function<void(bool fired)> fn) {
  auto timer = std::make_shared<AsioTimer>(executor_.context(), delay);
  timer->get().async_wait([timer, fn = std::move(fn)](const boost::system::error_code &ec) {
    fn(ec != boost::asio::error::operation_aborted);
  });
  return timer;
}

}  // namespace switchboard::core
