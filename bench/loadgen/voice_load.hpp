// N concurrent WebSocket voice sessions, each streaming a recording in real
// time in 20 ms frames (numbered, so the server acknowledges each), with
// what each sees measured.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace loadgen {

struct VoiceOptions {
  int port = 0;
  int sessions = 100;
  std::chrono::seconds duration{20};
  std::string pcm;  // 16 kHz mono s16: speech, then silence; looped
  int threads = 1;
  int ack_every = 5;  // number (and so have acknowledged) one frame in this many
};

struct VoiceResult {
  std::vector<double> ingest_ms;  // frame sent -> its acknowledgement
  std::vector<double> lag_ms;     // how late the client sent frames (its own load)
  std::vector<double> turn_ms;    // end of speech (the server's vad) -> first audio
  long frames_sent = 0;
  long frames_acked = 0;
  long frames_dropped = 0;  // numbered but never acknowledged, or dropped by the server's audio path
  long errors = 0;
  int sessions_connected = 0;
};

VoiceResult run_voice(const VoiceOptions &options);

}  // namespace loadgen
