#include "conversation/chain_links.hpp"

namespace switchboard::conversation {
namespace {

using Type = resilience::ChainEvent::Type;

}  // namespace

SttLink &SttLink::make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag) {
  auto link = std::make_shared<SttLink>(std::move(target), std::move(strand), tag);
  link->self_ = link;
  return *link;
}

void SttLink::on_partial(std::string_view text) {
  forward([text = std::string(text)](LinkTarget &t, std::uint64_t tag) { t.stt_partial(tag, text); });
}

void SttLink::on_final(std::string_view text, float confidence, std::string_view) {
  forward(
      [text = std::string(text), confidence](LinkTarget &t, std::uint64_t tag) { t.stt_final(tag, text, confidence); });
}

void SttLink::on_replay() {
  forward([](LinkTarget &t, std::uint64_t tag) { t.stt_replay(tag); });
}

void SttLink::on_done(const Outcome &outcome) {
  forward([outcome](LinkTarget &t, std::uint64_t tag) { t.stt_done(tag, outcome); });
  auto keep = std::move(self_);  // the call says nothing after this
}

LlmLink &LlmLink::make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag) {
  auto link = std::make_shared<LlmLink>(std::move(target), std::move(strand), tag);
  link->self_ = link;
  return *link;
}

void LlmLink::on_token(std::string_view text) {
  forward([text = std::string(text)](LinkTarget &t, std::uint64_t tag) { t.llm_token(tag, text); });
}

void LlmLink::on_usage(std::uint32_t prompt, std::uint32_t completion) {
  forward([prompt, completion](LinkTarget &t, std::uint64_t tag) { t.llm_usage(tag, prompt, completion); });
}

void LlmLink::on_event(const resilience::ChainEvent &event) {
  // The provider whose words the user gets, not the last one tried: a hedge
  // that started and failed answered nothing.
  if (event.type == Type::answering) provider_ = event.provider;
}

void LlmLink::on_tool_calls(std::vector<resilience::ToolCall> calls) {
  forward([calls = std::move(calls)](LinkTarget &t, std::uint64_t tag) { t.llm_tool_calls(tag, calls); });
}

void LlmLink::on_done(const Outcome &outcome) {
  forward([outcome, provider = provider_](LinkTarget &t, std::uint64_t tag) { t.llm_done(tag, outcome, provider); });
  auto keep = std::move(self_);
}

TtsLink &TtsLink::make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag) {
  auto link = std::make_shared<TtsLink>(std::move(target), std::move(strand), tag);
  link->self_ = link;
  return *link;
}

void TtsLink::on_audio(std::size_t sentence, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  forward([sentence, audio = std::vector<std::int16_t>(samples, samples + count), rate](
              LinkTarget &t, std::uint64_t tag) { t.tts_audio(tag, sentence, audio, rate); });
}

void TtsLink::on_sentence_done(std::size_t sentence) {
  forward([sentence, provider = provider_](LinkTarget &t, std::uint64_t tag) {
    t.tts_sentence_done(tag, sentence, provider);
  });
}

void TtsLink::on_sentence_resumed(std::size_t sentence, std::size_t resumed_at, const std::string &failed_provider) {
  forward([sentence, resumed_at, failed_provider](LinkTarget &t, std::uint64_t tag) {
    t.tts_resumed(tag, sentence, resumed_at, failed_provider);
  });
}

void TtsLink::on_event(const resilience::ChainEvent &event) {
  if (event.type == Type::answering) provider_ = event.provider;
}

void TtsLink::on_done(const Outcome &outcome) {
  forward([outcome](LinkTarget &t, std::uint64_t tag) { t.tts_done(tag, outcome); });
  auto keep = std::move(self_);
}

}  // namespace switchboard::conversation
