// Sessions over chains built from a YAML snippet, on real workers and real
// time, with an observer that records every event and lets the test wait
// for the one it expects.
#pragma once

#include <condition_variable>
#include <mutex>
#include <variant>

#include "conversation/conversations.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::test {

class Recorder : public conversation::SessionObserver {
 public:
  void on_event(const conversation::Event &e) override {
    using namespace conversation::event;
    std::lock_guard lock(mutex_);
    session_ids.emplace_back(e.session_id);
    if (const auto *s = std::get_if<StateChange>(&e.body)) {
      states.push_back(s->to);
      log.push_back(std::string("state ") + conversation::to_string(s->to));
    } else if (const auto *t = std::get_if<TextChunk>(&e.body)) {
      text += t->text;
      log.push_back("text");
    } else if (const auto *a = std::get_if<AudioChunk>(&e.body)) {
      audio_chunks += 1;
      audio_samples += a->samples.size();
      sample_rate = a->sample_rate;
      log.push_back("audio");
    } else if (const auto *c = std::get_if<TurnComplete>(&e.body)) {
      completes.push_back(*c);
      log.push_back(c->interrupted ? "complete interrupted" : "complete");
    } else if (const auto *tr = std::get_if<Transcript>(&e.body)) {
      if (tr->is_final) finals.push_back(tr->text);
      log.push_back(tr->is_final ? "final" : "partial");
    } else if (std::holds_alternative<InterruptAck>(e.body)) {
      ++acks;
      log.push_back("ack");
    } else if (const auto *err = std::get_if<Error>(&e.body)) {
      errors.push_back(err->code);
      log.push_back("error " + err->code);
    } else if (const auto *r = std::get_if<SpeechResumed>(&e.body)) {
      resumed.push_back(r->remaining);
      log.push_back("resumed");
    } else if (std::holds_alternative<AudioMetrics>(e.body)) {
      ++metrics;
      log.push_back("metrics");
    } else if (const auto *tool = std::get_if<ToolUse>(&e.body)) {
      tools.push_back(*tool);
      log.push_back("tool " + tool->status);
    } else if (const auto *d = std::get_if<AudioDone>(&e.body)) {
      audio_done.push_back(d->heard);
      log.push_back(d->heard ? "audio done heard" : "audio done nothing");
    } else {
      log.push_back("vad");
    }
    cv_.notify_all();
  }

  // Waits until pred() holds (checked under the recorder's lock).
  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, pred);
  }
  bool wait_completes(std::size_t n, std::chrono::seconds limit = std::chrono::seconds(30)) {
    return wait([&] { return completes.size() >= n; }, limit);
  }
  template <class Fn>
  auto read(Fn fn) {
    std::lock_guard lock(mutex_);
    return fn();
  }

  std::vector<std::string> log;
  std::vector<std::string> session_ids;
  std::vector<conversation::State> states;
  std::string text;
  std::size_t audio_chunks = 0;
  std::size_t audio_samples = 0;
  std::uint32_t sample_rate = 0;
  std::vector<conversation::event::TurnComplete> completes;
  std::vector<std::string> finals;
  std::vector<std::string> errors;
  std::vector<conversation::event::ToolUse> tools;
  std::vector<bool> audio_done;      // each AudioDone's heard
  std::vector<std::string> resumed;  // the rest of each sentence resumed on another provider
  int acks = 0;
  int metrics = 0;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

struct ConversationHarness : ThreadedChainHarness {
  explicit ConversationHarness(const std::string &yaml,
                               std::unique_ptr<store::SessionStore> store = store::memory_store(),
                               const std::filesystem::path &file = "test.yaml")
      : ThreadedChainHarness(yaml, file) {
    if (config.cache) {
      std::string why;
      cache =
          plugin::Instance::create(registry.find(config.cache->plugin), "cache", config.cache->config, context(), why);
      if (!cache) throw std::runtime_error("cache: " + why);
      created.push_back(cache);
    }
    documents = std::make_shared<documents::DocumentStore>("", documents::StoreLimits{});
    tools = std::make_shared<tools::ToolBox>(config.tools, documents, executor);
    conversation::EngineServices services{
        executor,  clock(), metrics, [this] { return chains; }, [this] { return cache; }, [this] { return wall_now(); },
        documents, tools};
    conversations = std::make_unique<conversation::Conversations>(std::move(store), config, std::move(services));
  }
  ~ConversationHarness() override {
    conversations.reset();
    cache.reset();
  }

  double wall_now() const {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  std::shared_ptr<plugin::Instance> cache;
  std::shared_ptr<documents::DocumentStore> documents;
  std::shared_ptr<tools::ToolBox> tools;
  std::unique_ptr<conversation::Conversations> conversations;
};

}  // namespace switchboard::test
