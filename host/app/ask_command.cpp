#include "app/ask_command.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>

namespace switchboard::app {
namespace {

class Printer : public resilience::LlmListener {
 public:
  explicit Printer(std::ostream &out) : out_(out) {}

  void on_token(std::string_view text) override {
    if (first_token_ == std::chrono::steady_clock::time_point{}) first_token_ = std::chrono::steady_clock::now();
    out_ << text << std::flush;
  }
  void on_event(const resilience::ChainEvent &e) override {
    if (e.type == resilience::ChainEvent::Type::fallback) ++fallbacks_;
  }
  void on_done(const resilience::Outcome &outcome) override {
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
    done_ = true;
    done_cv_.notify_all();
  }

  resilience::Outcome wait() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return done_; });
    return outcome_;
  }
  int fallbacks() const { return fallbacks_; }
  std::chrono::steady_clock::time_point first_token() const { return first_token_; }

 private:
  std::ostream &out_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  resilience::Outcome outcome_;
  int fallbacks_ = 0;
  std::chrono::steady_clock::time_point first_token_{};
};

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int run_ask(const Command &cmd, Application &application, std::ostream &out, std::ostream &err) {
  int failures = 0;
  for (int turn = 1; turn <= cmd.repeat; ++turn) {
    auto chains = application.chains();
    Printer printer(out);
    resilience::LlmChainRequest request;
    request.messages = {{"user", cmd.text}};
    const auto start = std::chrono::steady_clock::now();
    auto call = chains->llm()->start(std::move(request), printer);
    const resilience::Outcome outcome = printer.wait();
    const auto end = std::chrono::steady_clock::now();
    out << "\n" << std::flush;
    if (outcome.ok()) {
      err << "turn " << turn << ": answered by " << call->answered_by() << ", first token after "
          << static_cast<long>(ms_between(start, printer.first_token())) << " ms, done after "
          << static_cast<long>(ms_between(start, end)) << " ms, " << printer.fallbacks() << " fallback(s)\n";
    } else {
      ++failures;
      err << "turn " << turn << ": failed (" << sdk::to_string(outcome.status) << "): " << outcome.message << "\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace switchboard::app
