// What the load generator reads from a server's voice messages: read as
// JSON, so that any server's spelling of the same message counts
// (`"type": "audio_ack"` as much as `"type":"audio_ack"`).
#pragma once

#include <cstdint>
#include <string_view>

namespace loadgen {

struct ServerMessage {
  enum class Kind { other, audio_ack, speech_ended, audio, error };
  Kind kind = Kind::other;
  std::int64_t seq = -1;              // audio_ack: the frame it acknowledges
  std::int64_t dropped_samples = -1;  // audio_ack: the server's count so far, when it says
};

// A message that is not a JSON object, or has no string "type", is `other`.
ServerMessage read_server_message(std::string_view text);

}  // namespace loadgen
