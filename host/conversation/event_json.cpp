#include "conversation/event_json.hpp"

namespace switchboard::conversation {
namespace {

struct ToJson {
  nlohmann::json operator()(const event::StateChange &e) const {
    return {{"type", "state"}, {"from", to_string(e.from)}, {"to", to_string(e.to)}};
  }
  nlohmann::json operator()(const event::VadStatus &e) const {
    return {{"type", "vad"}, {"is_speech", e.is_speech}, {"speech_ended", e.speech_ended}};
  }
  nlohmann::json operator()(const event::AudioMetrics &e) const {
    const auto &m = e.metrics;
    return {{"type", "audio_metrics"},
            {"rms", m.rms},
            {"peak", m.peak},
            {"snr_db", m.snr_db},
            {"quality_score", m.quality_score},
            {"quality_label", m.quality_label},
            {"duration_ms", m.duration_ms}};
  }
  nlohmann::json operator()(const event::Transcript &e) const {
    return {{"type", "transcript"},
            {"id", e.id},
            {"text", e.text},
            {"is_final", e.is_final},
            {"confidence", e.confidence},
            {"timestamp", e.timestamp}};
  }
  nlohmann::json operator()(const event::TextChunk &e) const {
    return {{"type", "text"}, {"turn_id", e.turn_id}, {"text", e.text}};
  }
  nlohmann::json operator()(const event::AudioChunk &) const { return nullptr; }
  nlohmann::json operator()(const event::TurnComplete &e) const {
    const auto &t = e.timings;
    return {{"type", "turn_complete"},
            {"turn_id", e.turn_id},
            {"user_text", e.user_text},
            {"assistant_text", e.assistant_text},
            {"assistant_id", e.assistant_id},
            {"interrupted", e.interrupted},
            {"with_audio", e.with_audio},
            {"llm_provider", e.llm_provider},
            {"timings",
             {{"transcript_ms", t.transcript_ms},
              {"first_token_ms", t.first_token_ms},
              {"first_audio_ms", t.first_audio_ms},
              {"llm_ms", t.llm_ms},
              {"tts_ms", t.tts_ms},
              {"total_ms", t.total_ms}}},
            {"usage",
             {{"prompt_tokens", e.prompt_tokens},
              {"completion_tokens", e.completion_tokens},
              {"estimated", e.tokens_estimated}}}};
  }
  nlohmann::json operator()(const event::ToolUse &e) const {
    nlohmann::json out = {
        {"type", "tool"}, {"turn_id", e.turn_id}, {"tool", e.tool}, {"call_id", e.call_id}, {"status", e.status}};
    const auto args = nlohmann::json::parse(e.arguments, nullptr, false);
    out["args"] = args.is_object() ? args : nlohmann::json::object();
    if (e.latency_ms >= 0) out["latency_ms"] = e.latency_ms;
    if (!e.result_preview.empty()) out["result_preview"] = e.result_preview;
    if (!e.error_message.empty()) out["error_message"] = e.error_message;
    return out;
  }
  nlohmann::json operator()(const event::SpeechResumed &e) const {
    return {{"type", "speech_resumed"},
            {"turn_id", e.turn_id},
            {"sentence", e.sentence},
            {"remaining", e.remaining},
            {"failed_provider", e.failed_provider}};
  }
  nlohmann::json operator()(const event::InterruptAck &e) const {
    return {{"type", "interrupt_ack"}, {"reason", e.reason}};
  }
  nlohmann::json operator()(const event::AudioDone &e) const { return {{"type", "audio_done"}, {"heard", e.heard}}; }
  nlohmann::json operator()(const event::Error &e) const {
    return {{"type", "error"}, {"code", e.code}, {"message", e.message}};
  }
};

}  // namespace

nlohmann::json event_json(const EventBody &body) {
  return std::visit(ToJson{}, body);
}

}  // namespace switchboard::conversation
