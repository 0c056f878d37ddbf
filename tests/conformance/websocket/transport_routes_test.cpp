// Every WebSocket route of every transport plugin against the protocol
// conformance cases (websocket_cases.cpp), in one real binary serving all
// five APIs: the native /voice/{id} and /metrics/ws, Poppins /ws/{id},
// Conversational /ws, Voxtral /ws/{id} and YouWorker /chat/{id}. A route
// shows it understood a message by its API's own answer: a pong, a status,
// or the error its document gives for an unknown type.
#include <memory>

#include <nlohmann/json.hpp>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "conformance/websocket/websocket_route.hpp"
#include "support/transports.hpp"

namespace switchboard::test {
namespace {

constexpr std::size_t kMaxMessage = 128 * 1024;

// Each transport with the same message limit, and no rate limit a case's
// connections or messages could meet.
std::string config() {
  return scripted_providers() + every_transport([](const std::string &name) {
           return "{limits: {max_message_bytes: " + std::to_string(kMaxMessage) +
                  ", requests_per_minute: 100000, messages_per_second_per_subject: 0, max_sessions_per_address: 0" +
                  (name == "voice-api" ? ", messages_per_second: 0" : "") + "}}";
         });
}

// A JSON message the route answers: `head` is its opening, up to the last field.
WsRoute json_route(int port, std::string target, std::string head,
                   std::function<bool(const nlohmann::json &)> is_answer) {
  WsRoute r;
  r.port = port;
  r.target = std::move(target);
  r.max_message_bytes = kMaxMessage;
  r.min_message_bytes = padded_json(head, "note", "", 0).size() + 32;
  r.message = [head](std::size_t size, const std::string &note) { return padded_json(head, "note", note, size); };
  r.answers = [is_answer = std::move(is_answer)](const std::string &, const std::string &reply) {
    const auto m = nlohmann::json::parse(reply, nullptr, false);
    return m.is_object() && is_answer(m);
  };
  return r;
}

struct AllApis {
  AllApis() : served(SWITCHBOARD_BINARY, config()) {
    if (!served.ready()) return;
    const auto type_is = [](std::string type) {
      return [type](const nlohmann::json &m) { return m.value("type", "") == type; };
    };
    routes["native_voice"] = json_route(
        served.port_of("voice-api"), "/voice/conformance", R"({"type":"conformance")", [](const nlohmann::json &m) {
          return m.value("type", "") == "error" && m.value("code", "") == "unknown_type";
        });
    WsRoute feed;
    feed.port = served.port_of("voice-api");
    feed.target = "/metrics/ws";
    feed.max_message_bytes = kMaxMessage;
    routes["native_metrics_feed"] = feed;
    routes["poppins"] = json_route(served.port_of("poppins"), "/ws/conformance", R"({"type":"ping")", type_is("pong"));
    routes["conversational"] =
        json_route(served.port_of("conversational"), "/ws", R"({"type":"conformance")", [](const nlohmann::json &m) {
          return m.value("type", "") == "error" && m.value("code", "") == "UNKNOWN_TYPE";
        });
    routes["voxtral"] =
        json_route(served.port_of("voxtral"), "/ws/conformance", R"({"type":"status")", type_is("status_response"));
    routes["youworker"] =
        json_route(served.port_of("youworker"), "/chat/conformance", R"({"type":"ping")", type_is("pong"));
  }
  ServedBinary served;
  std::map<std::string, WsRoute> routes;
};

}  // namespace

std::vector<std::string> ws_routes() {
  return {"native_voice", "native_metrics_feed", "poppins", "conversational", "voxtral", "youworker"};
}

const WsRoute &ws_route(const std::string &name) {
  static AllApis apis;
  static const WsRoute none;
  if (!apis.served.ready()) {
    ADD_FAILURE() << "the binary did not start: " << apis.served.process().err();
    return none;
  }
  return apis.routes.at(name);
}

const auto kRouteName = [](const ::testing::TestParamInfo<std::string> &route_name) { return route_name.param; };
INSTANTIATE_TEST_SUITE_P(Transports, WebSocketConformance, ::testing::ValuesIn(ws_routes()), kRouteName);
// /metrics/ws is a feed: it answers no message.
INSTANTIATE_TEST_SUITE_P(Transports, WebSocketMessageConformance,
                         ::testing::Values("native_voice", "poppins", "conversational", "voxtral", "youworker"),
                         kRouteName);

}  // namespace switchboard::test
