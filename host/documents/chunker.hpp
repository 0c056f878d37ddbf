// Cutting a document's text into passages for retrieval: whole sentences,
// about `words` words each, never across a page.
#pragma once

#include <string>
#include <vector>

namespace switchboard::documents {

// The passages of one page's text, in order; none for text with no words.
// A sentence longer than `words` is cut at `words`.
std::vector<std::string> chunk_text(const std::string &text, int words);

// An FTS5 query for a question: its words, each quoted (so nothing in it is
// FTS5 syntax), any of them matching, common English words left out. ""
// when no word is left.
std::string match_query(const std::string &question);

}  // namespace switchboard::documents
