// What one streaming kind promises beyond the others: llm usage, tts voices
// and word timings, stt confidences.
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "plugin_test/calls.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/streaming_session.hpp"

namespace switchboard::plugin_test {
namespace {

// One ordinary call, its probe kept for the caller to read.
Verdict ordinary_call(StreamingSession &s, Slot &slot) {
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
  if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  return pass();
}

Verdict usage_once(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  if (Verdict v = ordinary_call(s, slot); v.outcome != Outcome::pass) return v;
  const int usage = slot.probe->usage_calls();
  if (usage > 1) return fail("on_usage came " + std::to_string(usage) + " times");
  return s.verdict(pass(usage == 0 ? "no usage reported (optional)" : "usage reported once, before on_done"));
}

Verdict list_voices(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  std::string json;
  sb_sink out{[](void *user, const char *data, size_t size) { static_cast<std::string *>(user)->append(data, size); },
              &json};
  sb_error err = poisoned_error();
  sb_status status = SB_OK;
  guard("list_voices()",
        [&] { status = s.instance().vtable<sb_tts_vtable>().list_voices(s.instance().handle(), out, &err); });
  if (status != SB_OK) {
    if (const std::string p = error_problem(err); !p.empty()) return fail("list_voices failed, and " + p);
    return s.verdict(skip(std::string("list_voices failed here: ") + err.message));
  }
  const auto voices = nlohmann::json::parse(json, nullptr, false);
  if (!voices.is_array()) return fail("list_voices wrote something that is not a JSON array: " + json.substr(0, 80));
  for (const auto &v : voices) {
    if (!v.is_object() || !v.contains("id") || !v["id"].is_string() || v["id"].get<std::string>().empty()) {
      return fail("a voice without a string \"id\": " + v.dump().substr(0, 80));
    }
  }
  return s.verdict(pass(std::to_string(voices.size()) + " voices"));
}

Verdict word_timings(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  if (Verdict v = ordinary_call(s, slot); v.outcome != Outcome::pass) return v;
  const auto words = slot.probe->words();
  if (words.empty()) return s.verdict(pass("no word timings (optional)"));
  const std::size_t text_size = std::strlen(speech_text());
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto &w = words[i];
    if (w.offset >= text_size) return fail("on_word offset " + std::to_string(w.offset) + " is past the text");
    if (i > 0 && (w.offset <= words[i - 1].offset || w.sample < words[i - 1].sample)) {
      return fail("word " + std::to_string(i + 1) + " is out of order");
    }
    if (w.delivered > w.sample) {
      return fail("word " + std::to_string(i + 1) + " (sample " + std::to_string(w.sample) +
                  ") came after audio up to sample " + std::to_string(w.delivered) + " was delivered");
    }
  }
  if (words.back().sample > slot.probe->samples()) return fail("the last word starts after the audio ends");
  return s.verdict(pass(std::to_string(words.size()) + " words in order, each before its audio"));
}

Verdict final_transcripts(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  if (Verdict v = ordinary_call(s, slot); v.outcome != Outcome::pass) return v;
  for (const float c : slot.probe->confidences()) {
    if (!(c >= 0.0f && c <= 1.0f)) return fail("on_final confidence " + std::to_string(c) + " is outside [0, 1]");
  }
  return s.verdict(pass(std::to_string(slot.probe->confidences().size()) + " finals"));
}

}  // namespace

std::vector<Check> llm_checks() {
  return {{"usage_once", "llm.h", 65, "at most once, before on_done.", &usage_once}};
}

std::vector<Check> tts_checks() {
  return {
      {"list_voices", "tts.h", 44, "Writes the voices as a JSON array of objects with", &list_voices},
      {"word_timings", "tts.h", 36, "Words come in order, each no later than the audio that reaches its",
       &word_timings},
  };
}

std::vector<Check> stt_checks() {
  return {{"final_transcripts", "stt.h", 30, "A settled transcript. confidence in [0, 1]", &final_transcripts}};
}

}  // namespace switchboard::plugin_test
