// A speech-to-text stream for batch APIs (OpenAI transcriptions, Deepgram
// prerecorded): the utterance is kept in a buffer allocated at open (feed
// only copies), then sent whole when it ends; the answer becomes the final.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/http/client.hpp"
#include "switchboard/sdk/stt.hpp"

namespace switchboard::http {

class UploadStream : public sdk::SttStream {
 public:
  // The request that sends the utterance (16 kHz mono s16 samples).
  using MakeRequest = std::function<Request(const std::int16_t *samples, std::size_t count)>;
  // Reads a successful answer's body: reports finals to the sink and
  // returns ok, or the failure (a body the API would not send).
  using ReadAnswer = std::function<sdk::Outcome(std::string_view body, sdk::SttSink &sink)>;

  UploadStream(std::shared_ptr<Client> client, std::size_t max_samples, MakeRequest make, ReadAnswer read,
               sdk::SttSink sink, const sdk::CancelToken &cancel);

  void feed(const std::int16_t *samples, std::size_t count) override;
  void finish() override;

 private:
  struct State;
  struct Finisher;
  std::shared_ptr<State> state_;
  std::shared_ptr<Finisher> finisher_;
};

}  // namespace switchboard::http
