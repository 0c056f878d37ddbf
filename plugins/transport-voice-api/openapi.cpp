#include "openapi.hpp"

#include <nlohmann/json.hpp>

namespace voice_api {

namespace {

using nlohmann::json;

json response(const std::string &description, const std::string &schema = "Object") {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + schema}}}}}}}};
}

json operation(const std::string &summary, const std::string &id, bool admin = false, json extra = json::object()) {
  json op = {{"summary", summary},
             {"operationId", id},
             {"responses",
              {{"200", response("Success")},
               {"401", response("Missing or wrong credentials (when auth is on)", "Error")},
               {"429", response("Too many requests; see Retry-After", "Error")}}}};
  if (admin) {
    op["description"] = "Requires the admin role when auth is on.";
    op["responses"]["403"] = response("Admin role required", "Error");
  }
  for (const auto &[key, value] : extra.items()) op[key] = value;
  return op;
}

json path_param(const std::string &name, const std::string &description, json schema = {{"type", "string"}}) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", schema}};
}

json build() {
  const json kind = {{"type", "string"}, {"enum", {"stt", "llm", "tts"}}};
  const json not_found = {{"404", response("Not found", "Error")}};
  json paths;
  paths["/"]["get"] = operation("API info (JSON); a browser (Accept: text/html first) gets the web console", "info");
  paths["/health"]["get"] = operation("Health of the server and its provider chains", "health");
  paths["/providers"]["get"] = operation("Provider chains, breakers and fallbacks", "listProviders");
  paths["/providers/{provider_type}/reset"]["post"] =
      operation("Reset every circuit breaker of one kind", "resetProviders", true,
                {{"parameters", {path_param("provider_type", "stt, llm or tts", kind)}}});
  paths["/providers/{provider_type}/{name}/reset"]["post"] =
      operation("Reset one provider's circuit breaker", "resetProvider", true,
                {{"parameters",
                  {path_param("provider_type", "stt, llm or tts", kind),
                   path_param("name", "the provider's name in the config")}}});
  paths["/providers/{provider_type}/{name}/force-open"]["post"] =
      operation("Open one provider's circuit breaker until reset", "forceOpenProvider", true,
                {{"parameters",
                  {path_param("provider_type", "stt, llm or tts", kind),
                   path_param("name", "the provider's name in the config")}}});
  paths["/sessions"]["get"] = operation("Sessions", "listSessions");
  paths["/sessions/{session_id}"]["get"] = operation(
      "One session with its history and stats", "getSession", false,
      {{"parameters", {path_param("session_id", "the session")}}, {"responses", {{"200", response("Success")}}}});
  paths["/sessions/{session_id}"]["get"]["responses"].update(not_found);
  paths["/sessions/{session_id}"]["delete"] = operation("End and delete a session", "deleteSession", false,
                                                        {{"parameters", {path_param("session_id", "the session")}}});
  paths["/sessions/{session_id}"]["delete"]["responses"].update(not_found);
  paths["/sessions/cleanup"]["delete"] = operation("End and delete every session", "cleanupSessions", true);
  paths["/metrics"]["get"] =
      operation("System metrics (JSON; the Prometheus text format with Accept: text/plain)", "metrics");
  paths["/metrics/prometheus"]["get"] = operation("Metrics in the Prometheus text format", "prometheus");
  paths["/metrics/recent"]["get"] = operation("Turns of the last minute", "recentMetrics");
  paths["/metrics/ws"]["get"] = operation(
      "WebSocket: the metrics pushed about once a second", "metricsFeed", false,
      {{"description",
        "Upgrade to a WebSocket. The server sends {\"type\":\"metrics\",\"timestamp\",\"metrics\" (as GET "
        "/metrics),\"recent\" (as GET /metrics/recent),\"providers\" (the chains of GET /providers),\"cache\" (as "
        "GET /cache/stats, or null)} at once and then about once a second; what the client sends is ignored."}});
  paths["/cache/stats"]["get"] = operation("Cache statistics", "cacheStats");
  paths["/cache/clear"]["delete"] = operation("Empty the cache", "clearCache", true);
  const json user_schema = {{"type", "object"}, {"properties", {{"user_id", {{"type", "string"}}}}}};
  json token_body = {{"required", false}};
  token_body["content"]["application/json"]["schema"] = user_schema;
  paths["/auth/token"]["post"] =
      operation("A signed token (HS256 JWT) for a user", "authToken", false, {{"requestBody", token_body}});
  paths["/admin/reload"]["post"] = operation("Re-read and apply the config file", "reload", true);
  paths["/voice/{session_id}"]["get"] = operation(
      "WebSocket: a voice conversation", "voice", false,
      {{"description",
        "Upgrade to a WebSocket. Client messages: {\"type\":\"audio\",\"data\":base64} (PCM16 16 kHz mono, WAV, "
        "or WebM/Opus chunks; binary frames of the same), {\"type\":\"interrupt\"}, {\"type\":\"text\",\"data\":..}, "
        "{\"type\":\"audio_end\"}. Server messages: state_change, transcript_update, audio (base64 WAV by "
        "default), audio_metrics, vad_status, interrupt_ack, error; with ?stream_text=1 also response_text "
        "({\"data\":{\"turn_id\",\"text\"}}) as the answer is written."},
       {"parameters", {path_param("session_id", "the session (made if new)")}},
       {"responses", {{"101", {{"description", "Switching to the WebSocket protocol"}}}}}});
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Voice Assistant API"},
            {"version", "1.0.0"},
            {"description", "Switchboard's native API (transport-voice-api)."}}},
          {"paths", paths},
          {"components",
           {{"schemas",
             {{"Object", {{"type", "object"}}},
              {"Error",
               {{"type", "object"}, {"required", {"detail"}}, {"properties", {{"detail", {{"type", "string"}}}}}}}}},
            {"securitySchemes",
             {{"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
              {"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT or API key"}}}}}}},
          {"security", json::array({{{"apiKey", json::array()}}, {{"bearer", json::array()}}})}};
}

}  // namespace

const std::string &openapi_document() {
  static const std::string text = build().dump();
  return text;
}

}  // namespace voice_api
