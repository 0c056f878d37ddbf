// The session's turns: the answer streamed from the llm chain, cut into
// sentences and spoken through the tts chain (or from the cache), in order.
#include <algorithm>

#include "conversation/ids.hpp"
#include "conversation/session.hpp"
#include "conversation/speech_cache.hpp"
#include "plugin/cache_client.hpp"

namespace switchboard::conversation {
namespace {

using Ms = std::chrono::duration<double, std::milli>;

// Cached speech goes out in pieces of at most 200 ms, like synthesised speech.
std::size_t piece_samples(std::uint32_t rate) {
  return std::max<std::size_t>(rate / 5, 1);
}

}  // namespace

void Session::start_turn(Message message) {
  if (playback_timer_) {
    playback_timer_->cancel();
    playback_timer_.reset();
  }
  const auto settings = context_->settings();
  const auto &conv = settings->conversation;
  auto turn = std::make_unique<Turn>();
  Turn &t = *turn;
  t.number = ++turns_started_;
  current_turn_.store(t.number, std::memory_order_release);
  busy_ = true;
  t.id = new_id();
  t.user_text = message.text;
  t.user_id = message.user_id;
  t.with_audio = message.with_audio;
  t.started = message.started;
  t.timings.transcript_ms = message.transcript_ms;
  t.chains = context_->chains();
  t.cache = conv.cache_tts || conv.cache_llm_answers ? context_->cache() : nullptr;
  t.voice = voice_.empty() ? conv.voice : voice_;
  turn_ = std::move(turn);

  context_->store.append(id_, {t.user_id, "user", t.user_text, context_->wall_now()}, store::word_count(t.user_text),
                         message.audio_seconds);
  set_state(State::thinking);

  if (t.cache && conv.cache_llm_answers) {
    std::optional<std::string> answer;
    if (plugin::CacheClient(*t.cache).get(answer_key(t.user_text), answer).ok() && answer && !answer->empty()) {
      t.llm_started = context_->clock.now();
      on_text(t, *answer);
      llm_done(t.number, {}, "cache");
      return;
    }
  }

  t.options = std::move(message.options);
  auto &request = t.request;
  if (!conv.system_prompt.empty()) request.messages.push_back({"system", conv.system_prompt});
  if (auto record = context_->store.get(id_)) {
    for (auto &e : store::recent_history(record->history, conv.history_turns, conv.history_tokens)) {
      request.messages.push_back({std::move(e.role), std::move(e.text)});
    }
  }
  if (request.messages.empty() || request.messages.back().content != t.user_text) {
    request.messages.push_back({"user", t.user_text});  // a store that keeps nothing still gets the question asked
  }
  request.max_tokens = conv.llm_max_tokens;
  request.temperature = conv.llm_temperature;
  request.prefer = t.options.llm_provider;
  if (t.options.tools && context_->tools && !context_->tools->empty()) {
    request.tools_json = context_->tools->definitions_json();
  }
  if (t.options.documents && context_->documents && settings->passages > 0) {
    try {
      for (auto &p : context_->documents->search(t.user_text, t.options.collections, settings->passages)) {
        request.passages.push_back({std::move(p.source), std::move(p.text), p.score});
      }
    } catch (const std::exception &) {
      context_->metrics.add("document_search_failures_total", 1);  // the turn goes on without passages
    }
  }
  t.llm_started = context_->clock.now();
  ask_llm(t);
}

// One model call of the turn: the first, or the next after tool results.
void Session::ask_llm(Turn &t) {
  t.round_text_from = t.answer.size();
  t.tools.clear();
  t.llm = t.chains->llm()->start(t.request, LlmLink::make(weak_target(), strand_, t.number));
}

void Session::llm_token(std::uint64_t turn, const std::string &text) {
  if (closed_ || !turn_ || turn_->number != turn) return;
  on_text(*turn_, text);
}

void Session::on_text(Turn &t, const std::string &text) {
  if (text.empty()) return;
  if (t.timings.first_token_ms < 0) t.timings.first_token_ms = Ms(context_->clock.now() - t.started).count();
  t.answer += text;
  emit(event::TextChunk{t.id, text});
  if (!t.with_audio) {
    if (state() != State::speaking) set_state(State::speaking);
    return;
  }
  for (auto &sentence : t.segmenter.push(text)) speak(t, std::move(sentence));
}

void Session::llm_usage(std::uint64_t turn, std::uint32_t prompt, std::uint32_t completion) {
  if (!turn_ || turn_->number != turn) return;
  turn_->prompt_tokens += prompt;
  turn_->completion_tokens += completion;
  turn_->usage_reported = true;
}

void Session::llm_done(std::uint64_t turn, const Outcome &outcome, const std::string &provider) {
  if (closed_ || !turn_ || turn_->number != turn) return;
  Turn &t = *turn_;
  t.llm_provider = provider;
  if (outcome.ok() && !t.tools.empty()) {
    run_tools(t);  // the model asked for tools: their results, then it is asked again
    return;
  }
  t.llm_done = true;
  t.timings.llm_ms = Ms(context_->clock.now() - t.llm_started).count();
  if (!outcome.ok()) {
    fail(t, "llm_failed", "no answer could be produced: " + outcome.message);
  } else if (t.cache && provider != "cache" && !t.answer.empty() && t.rounds == 0 &&
             context_->settings()->conversation.cache_llm_answers) {
    (void)plugin::CacheClient(*t.cache).put(answer_key(t.user_text), t.answer);
  }
  if (t.with_audio) {
    for (auto &sentence : t.segmenter.flush()) speak(t, std::move(sentence));
    if (t.tts) t.tts->end();
  }
  maybe_finish(t);
}

void Session::speak(Turn &t, std::string sentence) {
  SpokenSentence s;
  s.text = std::move(sentence);
  const bool use_cache = t.cache && context_->settings()->conversation.cache_tts;
  if (use_cache) {
    const std::string provider = t.chains->tts()->current();
    std::optional<std::string> value;
    if (!provider.empty() && plugin::CacheClient(*t.cache).get(speech_key(provider, t.voice, s.text), value).ok() &&
        value && decode_speech(*value, s.rate, s.audio)) {
      s.from_cache = true;
      s.done = true;
    }
  }
  const std::size_t index = t.sentences.size();
  const bool synthesise = !s.from_cache;
  const std::string text = synthesise ? s.text : std::string();
  t.sentences.push_back(std::move(s));
  if (synthesise) {
    if (!t.tts) {
      t.tts_done = false;
      t.tts_started = context_->clock.now();
      t.tts = t.chains->tts()->start(TtsLink::make(weak_target(), strand_, t.number), t.voice);
    }
    t.tts_sentence.push_back(index);
    t.tts->add(text);
  }
  flush_cached(t);
}

// Sends what is ready at the head of the turn's speech: cached sentences
// whole, and moves past sentences the tts chain has finished.
void Session::flush_cached(Turn &t) {
  while (t.head < t.sentences.size()) {
    SpokenSentence &s = t.sentences[t.head];
    if (!s.done) return;
    if (s.from_cache) {
      const std::size_t piece = piece_samples(s.rate);
      while (s.emitted < s.audio.size()) {
        const std::size_t n = std::min(piece, s.audio.size() - s.emitted);
        send_audio(t, t.head, std::span<const std::int16_t>(s.audio).subspan(s.emitted, n), s.rate);
        s.emitted += n;
      }
      s.audio = {};
    }
    ++t.head;
  }
}

void Session::send_audio(Turn &t, std::size_t sentence, std::span<const std::int16_t> samples, std::uint32_t rate) {
  if (samples.empty() || cut_turn_.load(std::memory_order_acquire) >= t.number) return;
  if (t.timings.first_audio_ms < 0) {
    t.first_audio_at = context_->clock.now();
    t.timings.first_audio_ms = Ms(t.first_audio_at - t.started).count();
    set_state(State::speaking);
  }
  t.audio_seconds += static_cast<double>(samples.size()) / rate;
  emit(event::AudioChunk{t.id, samples, rate, sentence});
}

void Session::tts_audio(std::uint64_t turn, std::size_t sentence, const std::vector<std::int16_t> &samples,
                        std::uint32_t rate) {
  if (closed_ || !turn_ || turn_->number != turn || sentence >= turn_->tts_sentence.size()) return;
  Turn &t = *turn_;
  const std::size_t index = t.tts_sentence[sentence];
  SpokenSentence &s = t.sentences[index];
  s.rate = rate;
  if (t.cache && !s.resumed) s.audio.insert(s.audio.end(), samples.begin(), samples.end());
  flush_cached(t);  // the cached sentences before this one go first
  send_audio(t, index, samples, rate);
}

// The audio already sent stays: the rest of the sentence follows from the
// next provider. The client is told, and the sentence is not cached (two
// providers, maybe two voices, spoke it).
void Session::tts_resumed(std::uint64_t turn, std::size_t sentence, std::size_t resumed_at,
                          const std::string &failed_provider) {
  if (closed_ || !turn_ || turn_->number != turn || sentence >= turn_->tts_sentence.size()) return;
  Turn &t = *turn_;
  const std::size_t index = t.tts_sentence[sentence];
  SpokenSentence &s = t.sentences[index];
  s.resumed = true;
  s.audio = {};
  emit(event::SpeechResumed{t.id, index, s.text.substr(std::min(resumed_at, s.text.size())), failed_provider});
}

void Session::tts_sentence_done(std::uint64_t turn, std::size_t sentence, const std::string &provider) {
  if (closed_ || !turn_ || turn_->number != turn || sentence >= turn_->tts_sentence.size()) return;
  Turn &t = *turn_;
  SpokenSentence &s = t.sentences[t.tts_sentence[sentence]];
  s.done = true;
  if (t.cache && context_->settings()->conversation.cache_tts && !s.resumed && !s.audio.empty() && !provider.empty()) {
    (void)plugin::CacheClient(*t.cache).put(speech_key(provider, t.voice, s.text), encode_speech(s.rate, s.audio));
  }
  s.audio = {};
  flush_cached(t);
}

void Session::tts_done(std::uint64_t turn, const Outcome &outcome) {
  if (closed_ || !turn_ || turn_->number != turn) return;
  Turn &t = *turn_;
  t.tts_done = true;
  t.timings.tts_ms = Ms(context_->clock.now() - t.tts_started).count();
  if (!outcome.ok()) {
    fail(t, "tts_failed", "the answer could not be spoken: " + outcome.message);
    // What was not spoken stays unspoken; cached sentences after it still play.
    for (auto &s : t.sentences) s.done = true;
  }
  flush_cached(t);
  maybe_finish(t);
}

void Session::maybe_finish(Turn &t) {
  if (!t.llm_done) return;
  if (t.with_audio && (!t.tts_done || t.head < t.sentences.size())) return;
  finish_turn(false);
}

void Session::fail(Turn &t, const char *code, const std::string &message) {
  t.failed = true;
  emit(event::Error{code, message});
}

void Session::finish_turn(bool interrupted) {
  std::unique_ptr<Turn> turn = std::move(turn_);
  Turn &t = *turn;
  if (interrupted) {
    cut_turn_.store(std::max(cut_turn_.load(), t.number));
    if (t.llm) t.llm->cancel();
    if (t.tts) t.tts->cancel();
  }
  const auto now = context_->clock.now();
  t.timings.total_ms = Ms(now - t.started).count();
  std::string assistant_id;
  if (!t.answer.empty()) {
    assistant_id = new_id();
    const std::int64_t tokens = t.usage_reported ? t.completion_tokens : store::word_count(t.answer);
    context_->store.append(id_, {assistant_id, "assistant", t.answer, context_->wall_now()}, tokens);
  }
  touch();
  auto &m = context_->metrics;
  m.add(interrupted ? "turns_interrupted_total" : "turns_completed_total", 1);
  if (t.timings.first_audio_ms >= 0) m.observe("turn_first_audio_ms", t.timings.first_audio_ms);
  if (t.timings.first_token_ms >= 0) m.observe("turn_first_token_ms", t.timings.first_token_ms);
  if (!t.usage_reported) {  // the estimate: words in and out
    for (const auto &sent : t.request.messages)
      t.prompt_tokens += static_cast<std::uint32_t>(store::word_count(sent.content));
    t.completion_tokens = static_cast<std::uint32_t>(store::word_count(t.answer));
  }
  emit(event::TurnComplete{t.id, t.user_text, t.answer, assistant_id, interrupted, t.with_audio, t.timings,
                           t.llm_provider, t.prompt_tokens, t.completion_tokens, !t.usage_reported});
  if (!interrupted) rest(t);
}

// After a turn: the next queued message, else back to listening (or idle).
// Speech lasts while the client plays it, so `speaking` holds until the
// audio sent would have finished playing; barge-in stays armed until then.
void Session::rest(const Turn &finished) {
  if (!queued_.empty()) {
    Message next = std::move(queued_.front());
    queued_.pop_front();
    start_turn(std::move(next));
    return;
  }
  busy_ = false;
  if (state() == State::speaking && finished.audio_seconds > 0) {
    const auto playback_end = finished.first_audio_at + std::chrono::duration_cast<core::Duration>(
                                                            std::chrono::duration<double>(finished.audio_seconds));
    const auto now = context_->clock.now();
    if (playback_end > now) {
      const std::uint64_t number = finished.number;
      std::weak_ptr<Session> weak = weak_from_this();
      playback_timer_ = context_->clock.schedule(playback_end - now, [weak, number](bool fired) {
        auto self = weak.lock();
        if (!fired || !self) return;
        self->strand_->post([self, number] {
          if (!self->closed_ && !self->turn_ && self->turns_started_ == number && self->state() == State::speaking) {
            self->set_state(self->resting_state());
          }
        });
      });
      return;
    }
  }
  set_state(resting_state());
}

}  // namespace switchboard::conversation
