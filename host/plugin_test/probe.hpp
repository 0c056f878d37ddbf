// The callbacks the kit gives one streaming call (stt, llm or tts): it keeps
// what came and flags what the headers forbid: a second on_done, anything
// after on_done returned, two callbacks at once, a bad error message.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "switchboard/llm.h"
#include "switchboard/stt.h"
#include "switchboard/tts.h"

namespace switchboard::plugin_test {

// What is wrong with an error message a plugin wrote, or "" when nothing.
std::string error_problem(const sb_error &err);
// A fresh sb_error whose message is filled with bytes that are not text, so
// a message written without its NUL shows.
sb_error poisoned_error();

class Probe {
 public:
  struct Options {
    // Each callback takes this long (a slow consumer; a wider window for
    // two callbacks at once).
    std::chrono::microseconds callback_time{0};
    // Runs inside the first callback that carries data (a token, audio, a
    // transcript), on the plugin's thread.
    std::function<void()> on_first_data;
  };

  Probe() : Probe(Options{}) {}
  explicit Probe(Options options);
  Probe(const Probe &) = delete;
  Probe &operator=(const Probe &) = delete;

  const sb_llm_callbacks *llm() const noexcept { return &llm_; }
  const sb_tts_callbacks *tts() const noexcept { return &tts_; }
  const sb_stt_callbacks *stt() const noexcept { return &stt_; }

  // True once on_done has returned, waiting at most `limit`.
  bool wait_done(std::chrono::milliseconds limit);
  // Waits `grace` for anything that comes late, then reports every problem.
  std::vector<std::string> problems_after(std::chrono::milliseconds grace);

  bool finished() const noexcept { return done_returned_.load(); }
  int done_count() const noexcept { return done_count_.load(); }
  sb_status status() const;
  std::string error_message() const;
  std::string text() const;  // tokens joined, or the last final transcripts joined
  std::uint64_t samples() const noexcept { return samples_.load(); }
  int data_callbacks() const noexcept { return data_.load(); }
  int usage_calls() const noexcept { return usage_.load(); }
  // Word timings as (text_offset, sample, samples delivered before it).
  struct Word {
    std::size_t offset;
    std::uint64_t sample;
    std::uint64_t delivered;
  };
  std::vector<Word> words() const;
  std::vector<float> confidences() const;

 private:
  class Inside;
  void problem(std::string what);
  void data();

  static void on_token(void *user, const char *text, size_t size);
  static void on_usage(void *user, uint32_t prompt_tokens, uint32_t completion_tokens);
  static void on_tool_call(void *user, uint32_t index, const char *id, const char *name, const char *arguments,
                           size_t arguments_size);
  static void on_audio(void *user, const int16_t *samples, size_t count, uint32_t sample_rate);
  static void on_word(void *user, size_t text_offset, uint64_t sample);
  static void on_partial(void *user, const char *text);
  static void on_final(void *user, const char *text, float confidence, const char *language);
  static void on_done(void *user, sb_status status, const sb_error *error);

  Options options_;
  sb_llm_callbacks llm_{};
  sb_tts_callbacks tts_{};
  sb_stt_callbacks stt_{};

  std::atomic<bool> inside_{false};
  std::atomic<bool> done_returned_{false};
  std::atomic<int> done_count_{0};
  std::atomic<int> data_{0};
  std::atomic<int> usage_{0};
  std::atomic<std::uint64_t> samples_{0};
  std::atomic<bool> first_data_seen_{false};

  mutable std::mutex mutex_;
  std::condition_variable done_;
  sb_status status_ = SB_OK;
  std::string error_message_;
  std::string text_;
  std::vector<Word> words_;
  std::vector<float> confidences_;
  std::vector<std::string> problems_;
};

}  // namespace switchboard::plugin_test
