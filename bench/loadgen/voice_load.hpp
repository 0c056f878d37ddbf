// N concurrent WebSocket voice sessions, each streaming a recording in real
// time in 20 ms frames (numbered, so the server acknowledges each), with
// what each sees measured.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace loadgen {

// How audio goes out: base64 JSON messages (numbered one in ack_every, so
// ingest latency is measured), raw PCM in binary frames, or a compressed
// recording (WebM/Opus, as a browser's MediaRecorder sends it) in binary
// chunks. Binary frames carry no number: no ingest latency for them.
enum class Send { json, binary, chunks };

struct VoiceOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int sessions = 100;
  std::chrono::seconds duration{20};
  std::string pcm;  // 16 kHz mono s16: speech, then silence; looped
  Send send = Send::json;
  // For Send::chunks: the recording's pieces, one every chunk_ms, then
  // silence (nothing sent) for the rest of pcm's length; looped.
  std::vector<std::string> chunks;
  int chunk_ms = 200;
  int threads = 1;    // each runs its own I/O context; sessions are dealt out in turn
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
