// The tools a model may call during a turn (config `tools`): the built-in
// search_documents (the operator's documents) and current_time, and the
// operator's HTTP tools (a POST of the arguments to a listed host). A call
// runs on a worker; whatever goes wrong (bad arguments, a tool that fails or
// is slow) comes back as an error result for the model, never an exception.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/executor.hpp"
#include "documents/document_store.hpp"

namespace switchboard::tools {

struct ToolResult {
  bool ok = true;
  std::string content;  // what the model reads: JSON text
  std::string error;    // !ok: why, in words
};

// Held by a shared_ptr: a call in flight keeps the box.
class ToolBox : public std::enable_shared_from_this<ToolBox> {
 public:
  // documents may be null: search_documents is then not offered.
  ToolBox(config::ToolSettings settings, std::shared_ptr<documents::DocumentStore> documents, core::Executor &executor);

  bool empty() const noexcept { return definitions_.empty(); }
  // The OpenAI-style definitions of every tool offered ("" when none).
  const std::string &definitions_json() const noexcept { return definitions_text_; }
  int max_rounds() const noexcept { return settings_.max_rounds; }

  // Runs one call; done(result) comes once, from a worker. `collections`
  // limits search_documents (empty: all).
  void run(const std::string &name, const std::string &arguments, std::vector<std::string> collections,
           std::function<void(ToolResult)> done) const;

  // The result for a call, on the caller's thread (run() uses it).
  ToolResult call(const std::string &name, const std::string &arguments,
                  const std::vector<std::string> &collections) const;

 private:
  ToolResult search_documents(const nlohmann::json &args, const std::vector<std::string> &collections) const;
  ToolResult http_tool(const config::HttpTool &tool, const std::string &arguments) const;

  config::ToolSettings settings_;
  std::shared_ptr<documents::DocumentStore> documents_;
  core::Executor &executor_;
  nlohmann::json definitions_ = nlohmann::json::array();
  std::string definitions_text_;
};

}  // namespace switchboard::tools
