#include <sstream>

#include "store/session_store.hpp"

namespace switchboard::store {
std::int64_t word_count(const std::string &text) {
  std::istringstream in(text);
  std::int64_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

void count(SessionStats &stats, const std::vector<HistoryEntry> &history, const HistoryEntry &entry,
           std::int64_t tokens, double audio_seconds) {
  ++stats.messages;
  if (entry.role == "user") ++stats.user_messages;
  if (entry.role == "assistant") {
    ++stats.assistant_messages;
    if (!history.empty() && history.back().role == "user") ++stats.pairs;
  }
  stats.tokens += tokens;
  stats.audio_seconds += audio_seconds;
}

std::vector<HistoryEntry> recent_history(const std::vector<HistoryEntry> &history, int max_turns, int max_tokens) {
  std::size_t start = history.size();
  int turns = 0;
  std::int64_t tokens = 0;
  while (start > 0) {
    const HistoryEntry &e = history[start - 1];
    const std::int64_t cost = word_count(e.text);
    if (max_tokens > 0 && tokens + cost > max_tokens) break;
    // Each turn is a user message and what followed it: once max_turns user
    // messages are in, anything older belongs to an earlier turn.
    if (max_turns > 0 && turns == max_turns) break;
    tokens += cost;
    if (e.role == "user") ++turns;
    --start;
  }
  return {history.begin() + static_cast<long>(start), history.end()};
}

}  // namespace switchboard::store
