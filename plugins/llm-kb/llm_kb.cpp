// llm-kb: a retrieval answerer. It does not generate: it finds the entry of a
// knowledge file, or the passage of the operator's documents the host sent
// with the request, that best answers the last user message (BM25) and
// streams it word by word, or a configured line when nothing matches well
// enough. The last resort of an llm chain, and the offline
// default.
//
// config:
//   knowledge: knowledge/parenting.yaml   relative to the config file's folder
//   fallback: "..."                       said when nothing matches
//   min_score: 1.0                        how good a match must be
//   word_ms: 0                            pace between words
#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "bm25_index.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

struct Entry {
  std::string indexed;  // what retrieval sees: the questions and the answer
  std::string answer;
};

std::vector<Entry> load_knowledge(const std::filesystem::path &file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile &) {
    throw sdk::Error(sdk::Status::fatal, "knowledge file '" + file.string() + "' cannot be read");
  } catch (const YAML::Exception &e) {
    throw sdk::Error(sdk::Status::fatal, "knowledge file '" + file.string() + "': " + e.what());
  }
  std::vector<Entry> entries;
  for (const auto &node : root["entries"]) {
    Entry e;
    if (node["passage"]) {
      e.answer = node["passage"].as<std::string>();
      e.indexed = e.answer;
    } else {
      e.answer = node["answer"].as<std::string>("");
      for (const auto &q : node["questions"]) e.indexed += q.as<std::string>() + " . ";
      e.indexed += e.answer;
    }
    if (!e.answer.empty()) entries.push_back(std::move(e));
  }
  if (entries.empty()) {
    throw sdk::Error(sdk::Status::fatal, "knowledge file '" + file.string() + "' has no entries");
  }
  return entries;
}

std::vector<std::string> words_of(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

struct Reply {
  Reply(sdk::LlmSink s, sdk::CancelToken c) : sink(std::move(s)), cancel(c) {}
  std::mutex mutex;
  std::vector<std::string> words;
  std::size_t next = 0;
  bool leading_space = false;
  sdk::LlmSink sink;
  sdk::CancelToken cancel;
  sdk::CancelSubscription on_cancel;
};

}  // namespace

class KnowledgeLlm : public sdk::Llm {
 public:
  explicit KnowledgeLlm(sdk::Host &host) : host_(host) {
    const auto &c = host.config();
    std::filesystem::path file = c.value("knowledge", "");
    if (file.is_relative()) file = std::filesystem::path(host.config_dir()) / file;
    entries_ = load_knowledge(file);
    std::vector<std::string> documents;
    for (const auto &e : entries_) documents.push_back(e.indexed);
    index_ = std::make_unique<switchboard::kb::Bm25Index>(documents);
    fallback_ = c.value("fallback",
                        "I'm sorry, I don't know about that yet. I can help with sleep, feeding, crying and "
                        "bedtime stories.");
    min_score_ = c.value("min_score", 1.0);
    word_ms_ = c.value("word_ms", 0);
    host.info("knowledge from " + file.string() + ": " + std::to_string(entries_.size()) + " entries");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c, {"knowledge", "fallback", "min_score", "word_ms"}, errors)) return;
    cfg::expect_string(c, "knowledge", errors, true);
    cfg::expect_string(c, "fallback", errors);
    cfg::expect_number(c, "min_score", errors, 0, 100);
    cfg::expect_integer(c, "word_ms", errors, 0, 10000);
  }

  // The answer to a question, as the plugin would say it. Passages of the
  // operator's documents compete with the knowledge file's entries in one
  // index, so the better match answers.
  std::string answer(const std::string &question, const std::vector<sdk::Passage> &passages = {}) const {
    if (passages.empty()) {
      const auto match = index_->best(question);
      return match.document >= 0 && match.score >= min_score_ ? entries_[match.document].answer : fallback_;
    }
    std::vector<std::string> documents;
    for (const auto &e : entries_) documents.push_back(e.indexed);
    for (const auto &p : passages) documents.push_back(p.text);
    const auto match = switchboard::kb::Bm25Index(documents).best(question);
    if (match.document < 0 || match.score < min_score_) return fallback_;
    const auto at = static_cast<std::size_t>(match.document);
    return at < entries_.size() ? entries_[at].answer : passages[at - entries_.size()].text;
  }

  void chat(const sdk::LlmRequest &request, sdk::LlmSink sink, sdk::CancelToken cancel) override {
    std::string question;
    for (const auto &m : request.messages) {
      if (m.role == "user") question = m.content;
    }
    auto reply = std::make_shared<Reply>(sink, cancel);
    reply->words = words_of(answer(question, request.passages));
    if (!request.messages.empty() && request.messages.back().role == "assistant") {
      // Asked to continue: resume after the words already said if they are
      // the start of this answer; otherwise give the whole answer (the host
      // trims any repeat).
      const auto said = switchboard::kb::terms(request.messages.back().content);
      const auto ours = switchboard::kb::terms(answer(question, request.passages));
      if (!said.empty() && said.size() <= ours.size() && std::equal(said.begin(), said.end(), ours.begin())) {
        reply->next = std::min(words_of(request.messages.back().content).size(), reply->words.size());
        reply->leading_space = true;
      }
    }
    reply->on_cancel = cancel.on_cancel([this, reply] { schedule(reply, 0); });
    schedule(reply, 0);
  }

 private:
  void schedule(const std::shared_ptr<Reply> &reply, int delay_ms) {
    host_.post([this, reply] { step(reply); }, std::chrono::milliseconds(delay_ms));
  }

  void step(const std::shared_ptr<Reply> &r) {
    std::lock_guard lock(r->mutex);
    if (r->sink.finished()) return;
    if (r->cancel.cancelled()) {
      r->on_cancel.reset();
      r->sink.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    if (r->next >= r->words.size()) {
      r->on_cancel.reset();
      r->sink.usage(0, static_cast<std::uint32_t>(r->words.size()));
      r->sink.done();
      return;
    }
    const bool space = r->next > 0 || r->leading_space;
    r->sink.token((space ? " " : "") + r->words[r->next++]);
    schedule(r, word_ms_);
  }

  sdk::Host &host_;
  std::vector<Entry> entries_;
  std::unique_ptr<switchboard::kb::Bm25Index> index_;
  std::string fallback_;
  double min_score_;
  int word_ms_;
};

SWITCHBOARD_PLUGIN(KnowledgeLlm, "llm-kb", "1.0.0", "Answers from a knowledge file (retrieval, not generation)")
