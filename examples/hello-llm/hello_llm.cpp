// example-hello-llm: greets the user by repeating what they said, one word
// at a time, paced on the host's workers. A whole plugin in one file.
#include <sstream>

#include <switchboard/sdk/plugin.hpp>

namespace sdk = switchboard::sdk;

class HelloLlm : public sdk::Llm {
 public:
  explicit HelloLlm(sdk::Host &host)
      : host_(host),
        greeting_(host.config().value("greeting", "Hello!")),
        word_ms_(host.config().value("word_ms", 20)) {
    host_.info("ready to greet with '" + greeting_ + "'");
  }

  // Checked by `switchboard check`; each problem shows at its YAML position.
  static void validate(const nlohmann::json &config, sdk::ConfigErrors &errors) {
    if (sdk::config::allow_only(config, {"greeting", "word_ms"}, errors)) {
      sdk::config::expect_string(config, "greeting", errors);
      sdk::config::expect_integer(config, "word_ms", errors, 0, 1000);
    }
  }

  void chat(const sdk::LlmRequest &request, sdk::LlmSink sink, sdk::CancelToken cancel) override {
    if (request.messages.empty()) {
      throw sdk::Error(sdk::Status::invalid_input, "no messages");
    }
    std::istringstream text(greeting_ + " You said: " + request.messages.back().content);
    std::vector<std::string> words;
    for (std::string w; text >> w;) words.push_back(w);
    emit(std::move(words), 0, std::move(sink), cancel);
  }

 private:
  // Sends one word, then schedules the next; never blocks the caller.
  void emit(std::vector<std::string> words, std::size_t next, sdk::LlmSink sink, sdk::CancelToken cancel) {
    if (cancel.cancelled()) {
      sink.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    if (next == words.size()) {
      sink.usage(0, static_cast<std::uint32_t>(words.size()));
      sink.done();
      return;
    }
    sink.token((next == 0 ? "" : " ") + words[next]);
    host_.post([=]() mutable { emit(std::move(words), next + 1, std::move(sink), cancel); },
               std::chrono::milliseconds(word_ms_));
  }

  sdk::Host &host_;
  std::string greeting_;
  int word_ms_;
};

SWITCHBOARD_PLUGIN(HelloLlm, "example-hello-llm", "1.0.0", "Greets and repeats what the user said")
