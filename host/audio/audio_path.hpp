// One session's audio path. The network side (producer) pushes decoded
// 16 kHz mono audio into a lock-free ring; the session's consumer pops 20 ms
// frames and runs voice detection, turn detection and metrics, and hands the
// frames of each utterance (with the pre-roll before its detected start) to
// its listener, which feeds an stt stream. While the assistant speaks, speech
// of barge_in_min_ms interrupts it. Neither side waits for the other; the
// consumer allocates nothing and does no I/O per frame.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>

#include "audio/spsc_ring.hpp"
#include "audio/turn_detector.hpp"
#include "audio/voice_detector.hpp"

namespace switchboard::audio {

class AudioPathListener {
 public:
  virtual ~AudioPathListener() = default;
  // Every change of the speech decision (the API's vad_status).
  virtual void on_vad(bool is_speech, bool speech_ended) = 0;
  virtual void on_utterance_start(std::int64_t start_ms) = 0;
  // The utterance's frames, starting with its pre-roll. [audio-thread]
  virtual void on_utterance_frame(std::span<const std::int16_t, kFrameSamples> frame) = 0;
  virtual void on_utterance_end(std::int64_t end_ms, const UtteranceMetrics &metrics) = 0;
  // The user spoke over the assistant for barge_in_min_ms.
  virtual void on_barge_in(std::int64_t at_ms) = 0;
};

struct AudioPathSettings {
  VoiceDetector::Settings vad;
  TurnSettings turns;
  std::size_t ring_seconds = 4;  // how far the producer may run ahead
  int preroll_ms = 300;          // audio before the detected start that goes to stt
};

class AudioPath {
 public:
  AudioPath(AudioPathSettings settings, AudioPathListener &listener);

  // [network side] Audio in; returns how many samples fit (the rest is
  // dropped and counted by the ring).
  std::size_t push(std::span<const std::int16_t> samples) noexcept {
    return ring_.write(samples.data(), samples.size());
  }

  // [audio side] Processes every complete frame waiting; returns how many.
  std::size_t pump();
  // The stream ended: pads the last partial frame with silence and closes an
  // open utterance.
  void finish();

  // [any thread] The assistant is (or is no longer) speaking.
  void set_speaking(bool speaking) noexcept { speaking_.store(speaking, std::memory_order_release); }

  std::uint64_t overruns() const noexcept { return ring_.overruns(); }
  // The heap it holds, about (its ring and itself; not WebRTC's state).
  std::size_t memory_bytes() const noexcept { return sizeof(*this) + ring_.capacity() * sizeof(std::int16_t); }
  std::int64_t position_ms() const noexcept { return turns_.now_ms(); }

 private:
  void process(std::span<const std::int16_t, kFrameSamples> frame);

  AudioPathSettings settings_;
  AudioPathListener &listener_;
  SpscRing<std::int16_t> ring_;
  VoiceDetector vad_;
  TurnDetector turns_;
  std::atomic<bool> speaking_{false};
  bool barged_ = false;
  bool last_speech_ = false;
  std::array<std::int16_t, kFrameSamples> frame_{};
  // The last frames before an utterance's detected start.
  static constexpr std::size_t kMaxPreroll = 32;
  std::array<std::array<std::int16_t, kFrameSamples>, kMaxPreroll> preroll_{};
  std::size_t preroll_next_ = 0;
  std::size_t preroll_count_ = 0;
};

}  // namespace switchboard::audio
