// What a client's frame on /ws/{session_id} says (voxtral.md, "WebSocket
// API"): decoded apart from what the socket does with it, so that no frame,
// however malformed, gets further than an error message in the API's words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace voxtral {

struct ClientMessage {
  enum class Kind { auth, status, text, audio, unknown, refused };
  Kind kind = Kind::refused;
  // refused (not JSON), unknown (its type), or a text or audio message that
  // cannot be answered: the error to send. Empty otherwise.
  std::string problem;
  std::string api_key;  // auth: the key given, "" when none
  std::string text;     // text: what was typed
  std::string audio;    // audio: the decoded bytes, 1 to max_audio_bytes of them
  std::string voice;    // text, audio: the voice asked for, "" for the default
};

ClientMessage decode_client_message(std::string_view raw, std::size_t max_audio_bytes);

}  // namespace voxtral
