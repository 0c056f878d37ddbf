// One call of a streaming kind (stt, llm, tts) as the host makes it, with
// the kit's inputs: a short request that should work, or one the plugin
// must refuse as the request's own fault.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "plugin/cancel_source.hpp"
#include "plugin_test/kit_instance.hpp"
#include "plugin_test/probe.hpp"

namespace switchboard::plugin_test {

// How long a call may take before the kit calls it hung.
constexpr std::chrono::milliseconds kCallLimit{20000};
// How long after cancel() a call may take to end.
constexpr std::chrono::milliseconds kCancelLimit{3000};
// How long the kit waits for callbacks that must not come.
constexpr std::chrono::milliseconds kGrace{150};

// "3.0 s"
std::string seconds(std::chrono::milliseconds ms);

enum class Input {
  normal,
  invalid  // options that are not JSON (llm, tts); a sample rate of 8 kHz (stt)
};

struct Call {
  bool started = false;
  bool threw = false;           // an exception crossed the boundary out of the call
  sb_status status = SB_OK;     // what chat()/synthesize() returned; open(): SB_OK or SB_INVALID_INPUT for NULL
  std::string refusal;          // the err message when it did not start
  std::string refusal_problem;  // what is wrong with that message, if anything
  void *stream = nullptr;       // stt
};

// The text the kit asks a tts plugin to speak.
const char *speech_text() noexcept;

// A call's probe and cancel token. If the call never ended they are left
// allocated, so that a late callback finds them rather than freed memory.
struct Slot {
  explicit Slot(Probe::Options options = {}) : probe(new Probe(std::move(options))), token(new plugin::CancelSource) {}
  ~Slot() {
    if (probe->finished()) {
      delete probe;
      delete token;
    }
  }
  Slot(const Slot &) = delete;
  Slot &operator=(const Slot &) = delete;

  Probe *probe;
  plugin::CancelSource *token;
};

// Starts a call reporting to `probe`. For stt it opens the stream, feeds a
// second of audio in 20 ms frames and finishes; with `midway`, it feeds half,
// runs midway() and does not finish (the host cancels instead).
Call start_call(KitInstance &instance, Probe &probe, const sb_cancel_token *cancel, Input input,
                const std::function<void()> &midway = {});
// After on_done: closes an stt stream.
void end_call(KitInstance &instance, Call &call);

// One ordinary use of any kind (a call, a cache round trip, a transport
// started and stopped), waited for; says what happened.
std::string smoke(KitInstance &instance);
// Odd but legal uses: refused inputs, a cancelled token, empty text, a bad
// listen address. Waited for; only exceptions and crashes count here.
void provoke(KitInstance &instance);

}  // namespace switchboard::plugin_test
