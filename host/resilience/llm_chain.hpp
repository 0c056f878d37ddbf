// The llm chain: a completion goes to the first provider whose breaker admits
// it. Failing before any output, it moves on in the same turn; failing
// mid-stream (an error, or a watchdog: first byte, idle gap, total), it
// continues on the next provider with the partial answer as context and the
// overlap removed, so the listener never receives a word twice. With
// hedge_after_ms, a slow first byte starts the next provider as well and the
// first to answer wins.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/container/small_vector.hpp>
#include <string>
#include <vector>

#include "plugin/llm_client.hpp"
#include "resilience/attempt.hpp"
#include "resilience/chain.hpp"
#include "resilience/overlap_trimmer.hpp"
#include "resilience/watchdog.hpp"

namespace switchboard::resilience {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as the model wrote it
};

// Receives one completion. Calls come under the call's lock, so they never
// overlap; they must not block. on_done comes exactly once, last.
class LlmListener {
 public:
  virtual ~LlmListener() = default;
  virtual void on_token(std::string_view text) = 0;
  virtual void on_usage(std::uint32_t /*prompt*/, std::uint32_t /*completion*/) {}
  virtual void on_event(const ChainEvent & /*event*/) {}
  // The tool calls of the answer that completed the call, just before its
  // on_done (success only): calls begun by a provider that then failed are
  // never delivered, so each call delivered is the model's once.
  virtual void on_tool_calls(std::vector<ToolCall> /*calls*/) {}
  virtual void on_done(const Outcome &outcome) = 0;
};

struct LlmChainRequest {
  std::vector<plugin::ChatMessage> messages;
  std::string model;
  double temperature = -1;
  int max_tokens = 0;
  std::string tools_json;  // "" offers none
  std::vector<plugin::Passage> passages;
  // A provider asked first (by name, or by its configured model); the rest
  // of the chain follows in order. "": the chain's order.
  std::string prefer;
};

class LlmCall;

class LlmChain : public Chain {
 public:
  LlmChain(std::vector<std::shared_ptr<Provider>> providers, ChainContext context, config::ChainSettings settings = {})
      : Chain("llm", std::move(providers), std::move(context), settings) {}

  // The listener must outlive the call, until its on_done has returned.
  std::shared_ptr<LlmCall> start(LlmChainRequest request, LlmListener &listener);
};

class LlmCall : public std::enable_shared_from_this<LlmCall> {
  class Attempt;

 public:
  LlmCall(LlmChain &chain, LlmChainRequest request, LlmListener &listener);
  ~LlmCall();

  // Ends the call as cancelled (at once) and cancels the providers' calls.
  void cancel();
  // The provider whose answer completed the call ("" until then).
  std::string answered_by() const;

 private:
  friend class LlmChain;

  // One provider's part in a call. The provider holds it (as its handler)
  // until its on_done; it lives inside the call, so holding it holds the call.
  class Attempt : public plugin::LlmHandler, public AttemptBase {
   public:
    Attempt(LlmCall &owner, std::shared_ptr<Provider> p, Permit permit_, bool is_hedge);

    void on_token(std::string_view text) override;
    void on_usage(std::uint32_t prompt, std::uint32_t completion) override;
    void on_tool_call(std::uint32_t index, std::string_view id, std::string_view name,
                      std::string_view arguments) override;
    void on_done(const Outcome &outcome) override;
    void on_watchdog(Watchdog::Kind kind, int ms) override;
    void on_hedge() override;

    LlmCall &owner;
    std::shared_ptr<LlmCall> call;  // while the provider holds this handler
    bool hedge;
    plugin::LlmRequest request;
    bool got_first = false;
    core::TimePoint first_at{};
    std::vector<ToolCall> tool_calls;  // by index, as they stream
  };

  Attempt &new_attempt(std::shared_ptr<Provider> provider, Permit permit, bool hedge);
  std::shared_ptr<Attempt> hold(Attempt &a);

  void begin();
  void try_next();
  void launch(const Chain::Pick &pick, bool hedge);
  void arm_timers(Attempt &a);
  void on_token(Attempt &a, std::string_view text);
  void on_usage(Attempt &a, std::uint32_t prompt, std::uint32_t completion);
  void on_tool_call(Attempt &a, std::uint32_t index, std::string_view id, std::string_view name,
                    std::string_view arguments);
  void on_attempt_done(Attempt &a, const Outcome &outcome);
  void on_first_byte(Attempt &a);
  void on_watchdog(Attempt &a, const std::string &what);
  void on_hedge(Attempt &a);
  void attempt_failed(Attempt &a, const std::string &reason);
  void ended_badly(Attempt &a, const Outcome &outcome);
  void budget_spent();
  std::string failure_list() const;
  void abandon(Attempt &a);
  void deliver(std::string text);
  void finish(const Outcome &outcome);
  bool others_running(const Attempt &a) const;
  bool leaves_call_to_partner(Attempt &a);
  void event(ChainEvent::Type type, const std::string &provider, std::string detail);
  const std::vector<std::size_t> *order() const;

  LlmChain &chain_;
  std::shared_ptr<Chain> chain_keep_;  // the chain outlives its calls, even across a reload
  LlmChainRequest request_;
  LlmListener &listener_;
  ChainEventSink per_call_;

  mutable std::recursive_mutex mutex_;
  // Attempts live inside the call: the first few in place, more (rare: a
  // fallback after a fallback after a hedge) on the heap.
  std::array<std::optional<Attempt>, 3> inline_attempts_;
  std::vector<std::unique_ptr<Attempt>> more_attempts_;
  boost::container::small_vector<Attempt *, 3> attempts_;
  std::size_t next_index_ = 0;      // a position in order_ when it is set
  std::vector<std::size_t> order_;  // the providers' order for this call: the preferred one first
  Attempt *winner_ = nullptr;
  std::string emitted_;
  std::unique_ptr<OverlapTrimmer> trimmer_;
  CallNotes failures_;
  bool finished_ = false;
  bool hedged_ = false;
  core::TimePoint deadline_ = core::TimePoint::max();  // the chain's call_ms, from the start
  int refusals_ = 0;                                   // providers that refused the request (invalid_input)
  int counted_failures_ = 0;                           // and that failed it
  std::string answered_by_;
};

}  // namespace switchboard::resilience
