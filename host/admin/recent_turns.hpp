// Turns of the last minute: how many, how fast, how many failed. Kept small
// (a bounded ring), read by GET /metrics/recent.
#pragma once

#include <deque>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard::admin {

// How long each stage of a turn took (negative: it had none).
struct TurnStages {
  double stt_ms = -1;  // end of speech to the final transcript
  double llm_ms = -1;  // the question to the answer's first word
  double tts_ms = -1;  // the first word to the first audio
};

class RecentTurns {
 public:
  explicit RecentTurns(double window_seconds = 60, std::size_t max_turns = 100000)
      : window_(window_seconds), max_(max_turns) {}

  // A turn that ended at `now` (seconds), its latency (end of input to first
  // answer), and whether it failed; a completed one with its stages and the
  // llm provider that answered.
  void record(double now, double latency_ms, bool failed, TurnStages stages = {}, const std::string &llm_provider = {});

  // {"window_seconds","turns","errors","latency_ms":{"p50","p99","max"},
  //  "stages":{"stt_ms","llm_ms","tts_ms"} (medians), "last_turn":{"at","llm_provider"}|null} at `now`.
  nlohmann::json summary(double now) const;

 private:
  struct Turn {
    double at;
    double latency_ms;
    bool failed;
    TurnStages stages;
  };
  void drop_old(double now) const;

  double window_;
  std::size_t max_;
  mutable std::mutex mutex_;
  mutable std::deque<Turn> turns_;
  double last_at_ = 0;  // the last completed turn, kept past the window
  std::string last_llm_provider_;
};

}  // namespace switchboard::admin
