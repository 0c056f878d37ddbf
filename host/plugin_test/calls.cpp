#include "plugin_test/calls.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "switchboard/cache.h"
#include "switchboard/transport.h"

namespace switchboard::plugin_test {
namespace {

constexpr std::size_t kFrame = SB_STT_SAMPLE_RATE / 50;  // 20 ms

// A second of sound: quiet, a voiced vowel-like tone, quiet.
const std::vector<std::int16_t> &audio() {
  static const std::vector<std::int16_t> samples = [] {
    std::vector<std::int16_t> out(SB_STT_SAMPLE_RATE, 0);
    for (std::size_t i = 4800; i < 11200; ++i) {
      const double t = static_cast<double>(i) / SB_STT_SAMPLE_RATE;
      double v = 0;
      for (int h = 1; h <= 8; ++h) v += std::sin(2 * M_PI * 140 * h * t) / h;
      out[i] = static_cast<std::int16_t>(3000 * v);
    }
    return out;
  }();
  return samples;
}

const char *const kSpeech = "Hello there. This is the plugin contract.";
const char *const kBadOptions = "{not json";

void refused(Call &call, const sb_error &err) {
  call.refusal_problem = error_problem(err);
  call.refusal = call.refusal_problem.empty() ? err.message : call.refusal_problem;
}

// After chat(), synthesize() or open(): the call started only if it returned
// SB_OK; one that threw did not start, and no on_done is to be waited for.
void settle(Call &call, bool returned, const sb_error &err, const char *what) {
  call.threw = !returned;
  call.started = returned && call.status == SB_OK;
  if (call.threw) {
    call.refusal = std::string(what) + " threw";
  } else if (!call.started) {
    refused(call, err);
  }
}

Call start_llm(KitInstance &instance, Probe &probe, const sb_cancel_token *cancel, Input input) {
  static const sb_llm_message messages[] = {{"system", "You answer in one short sentence."},
                                            {"user", "Say hello to the plugin contract."}};
  sb_llm_request request{};
  request.struct_size = sizeof request;
  request.messages = messages;
  request.message_count = 2;
  request.temperature = -1;
  request.options_json = input == Input::invalid ? kBadOptions : nullptr;
  sb_error err = poisoned_error();
  Call call;
  const bool returned = guard("chat()", [&] {
    call.status = instance.vtable<sb_llm_vtable>().chat(instance.handle(), &request, probe.llm(), cancel, &err);
  });
  settle(call, returned, err, "chat()");
  return call;
}

Call start_tts(KitInstance &instance, Probe &probe, const sb_cancel_token *cancel, Input input) {
  sb_tts_request request{};
  request.struct_size = sizeof request;
  request.text = kSpeech;
  request.options_json = input == Input::invalid ? kBadOptions : nullptr;
  sb_error err = poisoned_error();
  Call call;
  const bool returned = guard("synthesize()", [&] {
    call.status = instance.vtable<sb_tts_vtable>().synthesize(instance.handle(), &request, probe.tts(), cancel, &err);
  });
  settle(call, returned, err, "synthesize()");
  return call;
}

Call start_stt(KitInstance &instance, Probe &probe, const sb_cancel_token *cancel, Input input,
               const std::function<void()> &midway) {
  const auto &vt = instance.vtable<sb_stt_vtable>();
  sb_stt_options options{sizeof(sb_stt_options), input == Input::invalid ? 8000u : SB_STT_SAMPLE_RATE, "en-US"};
  sb_error err = poisoned_error();
  Call call;
  const bool returned =
      guard("open()", [&] { call.stream = vt.open(instance.handle(), &options, probe.stt(), cancel, &err); });
  if (call.stream == nullptr) {
    call.status = SB_INVALID_INPUT;
    settle(call, returned, err, "open()");
    return call;
  }
  call.started = true;
  const auto &samples = audio();
  const std::size_t stop = midway ? samples.size() / 2 : samples.size();
  for (std::size_t at = 0; at < stop; at += kFrame) {
    sb_status s = SB_OK;
    guard("feed()", [&] { s = vt.feed(call.stream, samples.data() + at, kFrame); });
    if (s != SB_OK) return call;  // the stream failed; its on_done follows
  }
  if (midway) {
    midway();
    return call;
  }
  guard("finish()", [&] { vt.finish(call.stream); });
  return call;
}

std::string said(const Probe &probe) {
  if (probe.status() != SB_OK) return "on_done(" + std::to_string(probe.status()) + ": " + probe.error_message() + ")";
  return "on_done(SB_OK) after " + std::to_string(probe.data_callbacks()) + " chunks";
}

}  // namespace

const char *speech_text() noexcept {
  return kSpeech;
}

std::string seconds(std::chrono::milliseconds ms) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f s", static_cast<double>(ms.count()) / 1000);
  return out;
}

Call start_call(KitInstance &instance, Probe &probe, const sb_cancel_token *cancel, Input input,
                const std::function<void()> &midway) {
  switch (instance.plugin().info().kind) {
    case SB_KIND_LLM:
      return start_llm(instance, probe, cancel, input);
    case SB_KIND_TTS:
      return start_tts(instance, probe, cancel, input);
    case SB_KIND_STT:
      return start_stt(instance, probe, cancel, input, midway);
    default:
      return Call{};
  }
}

void end_call(KitInstance &instance, Call &call) {
  if (call.stream == nullptr) return;
  guard("close()", [&] { instance.vtable<sb_stt_vtable>().close(call.stream); });
  call.stream = nullptr;
}

std::string smoke(KitInstance &instance) {
  const sb_plugin_kind kind = instance.plugin().info().kind;
  if (kind == SB_KIND_CACHE) {
    const auto &vt = instance.vtable<sb_cache_vtable>();
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("put()", [&] { s = vt.put(instance.handle(), "plugin-test", 11, "smoke", 5, 60, &err); });
    guard("erase()", [&] { vt.erase(instance.handle(), "plugin-test", 11, &err); });
    return s == SB_OK ? "put and erase" : std::string("put failed: ") + err.message;
  }
  if (kind == SB_KIND_TRANSPORT) {
    const auto &vt = instance.vtable<sb_transport_vtable>();
    std::string bound;
    sb_sink out{[](void *user, const char *data, size_t size) { static_cast<std::string *>(user)->append(data, size); },
                &bound};
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("start()", [&] { s = vt.start(instance.handle(), "127.0.0.1:0", out, &err); });
    if (s != SB_OK) return std::string("start() refused: ") + err.message;
    guard("stop()", [&] { vt.stop(instance.handle()); });
    return "listened on " + bound;
  }
  Slot slot;
  Call call = start_call(instance, *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) return "refused: " + call.refusal;
  if (!slot.probe->wait_done(kCallLimit)) {
    slot.token->cancel();
    if (!slot.probe->wait_done(kCancelLimit)) return "no on_done";
  }
  end_call(instance, call);
  return said(*slot.probe);
}

void provoke(KitInstance &instance) {
  const sb_plugin_kind kind = instance.plugin().info().kind;
  if (kind == SB_KIND_CACHE) {
    const auto &vt = instance.vtable<sb_cache_vtable>();
    sb_error err = poisoned_error();
    bool found = false;
    sb_sink drop{[](void *, const char *, size_t) {}, nullptr};
    guard("put()", [&] { vt.put(instance.handle(), "", 0, "", 0, 0, &err); });
    guard("get()", [&] { vt.get(instance.handle(), "", 0, drop, &found, &err); });
    guard("erase()", [&] { vt.erase(instance.handle(), "never-put", 9, &err); });
    guard("stats()", [&] { vt.stats(instance.handle(), drop, &err); });
    guard("clear()", [&] { vt.clear(instance.handle(), &err); });
    return;
  }
  if (kind == SB_KIND_TRANSPORT) {
    const auto &vt = instance.vtable<sb_transport_vtable>();
    sb_error err = poisoned_error();
    sb_sink drop{[](void *, const char *, size_t) {}, nullptr};
    sb_status s = SB_OK;
    guard("start()", [&] { s = vt.start(instance.handle(), "not an address", drop, &err); });
    if (s == SB_OK) guard("stop()", [&] { vt.stop(instance.handle()); });
    return;
  }
  for (const bool cancelled : {false, true}) {
    Slot slot;
    if (cancelled) slot.token->cancel();
    Call call = start_call(instance, *slot.probe, slot.token->token(), cancelled ? Input::normal : Input::invalid);
    if (call.started && !slot.probe->wait_done(kCallLimit)) {
      slot.token->cancel();
      if (!slot.probe->wait_done(kCancelLimit)) return;
    }
    end_call(instance, call);
  }
}

}  // namespace switchboard::plugin_test
