// One conversation: its state machine (idle → listening → thinking →
// speaking → listening/idle), its audio path and the turns it runs through
// the chains. Every change goes out as a typed event to the observer.
//
// Threads: push_audio/end_audio belong to the session's network side (one
// caller at a time); the other public methods may be called from any
// thread. Everything else runs on the session's strand, so the session's
// state needs no lock and its events leave in order.
//
// One turn at a time. A message that arrives during a turn (a final
// transcript or a text) interrupts it when conversation.during_turn is
// "interrupt" (the default: what the user says now matters more than the
// rest of the old answer), or waits for it to end when "queue".
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audio/audio_input.hpp"
#include "audio/audio_path.hpp"
#include "conversation/chain_links.hpp"
#include "conversation/engine_context.hpp"
#include "conversation/events.hpp"
#include "conversation/turn.hpp"
#include "core/strand.hpp"

namespace switchboard::conversation {

class Session : public std::enable_shared_from_this<Session>, public LinkTarget, private audio::AudioPathListener {
 public:
  Session(std::string id, std::shared_ptr<EngineContext> context, std::string owner = {});
  ~Session() override;
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const std::string &id() const noexcept { return id_; }
  // The subject it belongs to ("" for nobody).
  const std::string &owner() const noexcept { return owner_; }
  State state() const noexcept { return state_.load(std::memory_order_acquire); }
  // Seconds since the epoch of the last thing that happened.
  double last_activity() const noexcept { return last_activity_.load(std::memory_order_relaxed); }
  bool busy() const noexcept { return busy_.load(std::memory_order_relaxed); }

  // The observer gets every event from now on (and the current state first);
  // a later attach replaces it, and the one replaced hears on_replaced().
  // Detach with the same observer. When the last one leaves between
  // utterances, the audio path (its ring, voice detection state and
  // pre-roll) goes with it; the next audio makes a new one. Mid-utterance it
  // stays, for a client that reconnects and goes on speaking.
  void attach(std::shared_ptr<SessionObserver> observer);
  void detach(const SessionObserver *observer);

  // [network side] One audio message (see audio::AudioInput for formats).
  // False with the reason when it cannot be decoded; the session goes on.
  bool push_audio(std::span<const std::uint8_t> bytes, std::string &error, int declared_rate = 16000,
                  int declared_channels = 1);
  // [network side] The audio stream is over: an utterance in progress ends.
  void end_audio();

  // A typed message. with_audio: the answer is spoken as well as written.
  void send_text(std::string text, bool with_audio);
  // The tts voice of the turns that start from now on ("": the configured
  // conversation voice).
  void set_voice(std::string voice);
  // How the turns that start from now on are answered; a key left out of
  // `options` keeps its value. False with the reason for an unknown key or
  // llm provider (nothing changes then).
  bool configure(const nlohmann::json &options, std::string &error);
  // Stops the turn (answer and speech) and acknowledges; the next turn works.
  void interrupt();
  // Ends everything in flight; nothing is emitted after.
  void close();
  // Waits (up to `limit`) until close() has run on the strand: after it the
  // session touches nothing it shares (the store). Not from the strand.
  bool wait_closed(std::chrono::milliseconds limit);

  // [network side] Audio the session could not keep up with.
  std::uint64_t dropped_samples();
  // [any thread] Whether it holds an audio path now.
  bool holds_audio_path() const noexcept { return path_.load(std::memory_order_acquire) != nullptr; }
  // [any thread] The 20 ms frames its audio path has analysed so far.
  std::uint64_t frames_heard() const noexcept { return frames_heard_.load(std::memory_order_acquire); }

 private:
  // LinkTarget: what the chains report, on the strand.
  void stt_partial(std::uint64_t utterance, const std::string &text) override;
  void stt_final(std::uint64_t utterance, const std::string &text, float confidence) override;
  void stt_replay(std::uint64_t utterance) override;
  void stt_done(std::uint64_t utterance, const Outcome &outcome) override;
  void llm_token(std::uint64_t turn, const std::string &text) override;
  void llm_usage(std::uint64_t turn, std::uint32_t prompt, std::uint32_t completion) override;
  void llm_done(std::uint64_t turn, const Outcome &outcome, const std::string &provider) override;
  void llm_tool_calls(std::uint64_t turn, const std::vector<resilience::ToolCall> &calls) override;
  void tts_audio(std::uint64_t turn, std::size_t sentence, const std::vector<std::int16_t> &samples,
                 std::uint32_t rate) override;
  void tts_resumed(std::uint64_t turn, std::size_t sentence, std::size_t resumed_at,
                   const std::string &failed_provider) override;
  void tts_sentence_done(std::uint64_t turn, std::size_t sentence, const std::string &provider) override;
  void tts_done(std::uint64_t turn, const Outcome &outcome) override;

  // AudioPathListener: what the audio path finds, on the strand (in pump).
  void on_vad(bool is_speech, bool speech_ended) override;
  void on_utterance_start(std::int64_t start_ms) override;
  void on_utterance_frame(std::span<const std::int16_t, audio::kFrameSamples> frame) override;
  void on_utterance_end(std::int64_t end_ms, const audio::UtteranceMetrics &metrics) override;
  void on_barge_in(std::int64_t at_ms) override;

  struct Message {
    std::string text;
    std::string user_id;  // its history entry
    bool with_audio;
    core::TimePoint started;
    double transcript_ms;
    double audio_seconds;
    AnswerOptions options;  // the attachment's when the message came
  };
  struct Utterance {
    std::shared_ptr<resilience::SttCall> call;
    core::TimePoint ended{};  // the end of speech
    double seconds = 0;
    std::string final_text;
    float confidence = 0;
  };

  // On the strand.
  void schedule_pump();
  void pump();
  void receive(Message message);
  void start_turn(Message message);
  void ask_llm(Turn &turn);
  void run_tools(Turn &turn);
  void tool_done(std::uint64_t turn, std::size_t index, tools::ToolResult result);
  void speak(Turn &turn, std::string sentence);
  void flush_cached(Turn &turn);
  void send_audio(Turn &turn, std::size_t sentence, std::span<const std::int16_t> samples, std::uint32_t rate);
  void maybe_finish(Turn &turn);
  void on_text(Turn &turn, const std::string &text);
  void finish_turn(bool interrupted);
  void rest(const Turn &finished);
  void stop_turn(const char *reason);
  void fail(Turn &turn, const char *code, const std::string &message);
  void set_state(State next);
  void emit(EventBody body);
  // AudioDone, once the audio a client ended has no utterance left open.
  void settle_audio();
  // No client is left: lets the audio path go unless an utterance is open
  // or audio came after the detach (pushes_ moved on from `pushes_seen`).
  void drop_audio_path(std::uint64_t pushes_seen);
  void touch();
  std::weak_ptr<LinkTarget> weak_target() { return std::weak_ptr<LinkTarget>(shared_from_this()); }
  State resting_state() const;

  const std::string id_;
  const std::string owner_;
  // Two network sides may briefly overlap (a client reconnecting on
  // another I/O thread before its old socket closed): one message at a
  // time. The audio path is made and let go under it too. Taken once per
  // audio message, uncontended but for those overlaps; never on the strand's
  // per-frame work.
  std::mutex network_;
  std::shared_ptr<EngineContext> context_;
  std::shared_ptr<core::Strand> strand_;
  std::atomic<State> state_{State::idle};
  std::atomic<double> last_activity_{0};
  std::atomic<bool> busy_{false};  // a turn is running
  // Set at once by interrupt() from any thread: audio of turns up to this
  // number is no longer sent, even before the strand gets to the interrupt.
  std::atomic<std::uint64_t> cut_turn_{0};
  std::atomic<std::uint64_t> current_turn_{0};

  // Network side.
  audio::AudioInput input_;
  std::vector<std::int16_t> decoded_;
  std::unique_ptr<audio::AudioPath> path_owner_;   // made on the first audio, dropped when nobody is left
  std::uint64_t pushes_ = 0;                       // audio messages taken, under network_
  std::uint64_t dropped_before_ = 0;               // by audio paths let go, under network_
  std::atomic<audio::AudioPath *> path_{nullptr};  // published to the strand
  std::atomic<bool> pump_pending_{false};
  std::atomic<std::uint64_t> frames_heard_{0};
  std::shared_ptr<Session> pump_keep_;  // holds the session while a pump is queued

  // Strand side.
  std::shared_ptr<SessionObserver> observer_;
  bool closed_ = false;
  std::promise<void> closed_promise_;
  std::shared_future<void> closed_future_ = closed_promise_.get_future().share();
  bool taking_audio_ = false;
  std::unique_ptr<Turn> turn_;
  std::string voice_;      // the client's choice; "": the conversation's
  AnswerOptions options_;  // the attached client's (configure); reset by each attach
  std::uint64_t turns_started_ = 0;
  std::deque<Message> queued_;
  std::uint64_t utterances_ = 0;
  std::map<std::uint64_t, Utterance> utterances_open_;
  std::uint64_t open_utterance_ = 0;              // receiving frames now (0: none)
  bool audio_ending_ = false;                     // end_audio came; AudioDone is owed
  bool heard_since_done_ = false;                 // a final with words since the last AudioDone
  std::shared_ptr<resilience::SttCall> feeding_;  // its stt call
  core::TimerPtr playback_timer_;
};

}  // namespace switchboard::conversation
