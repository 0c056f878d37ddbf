// GET /v1/analytics/overview, /tokens, /tools, /sessions and /ingestion,
// computed from what was recorded: the host's sessions, this API's usage
// ledger, and the documents index. start_date and end_date (ISO 8601)
// bound the first four.
#pragma once

#include "switchboard/ext/documents.h"
#include "switchboard/ext/sessions.h"
#include "switchboard/server/router.hpp"
#include "usage_ledger.hpp"

namespace youworker {

struct AnalyticsContext {
  const sb_sessions_ext &sessions;
  const sb_documents_ext *documents;  // null: no documents
  const UsageLedger &ledger;
};

void add_analytics_routes(switchboard::server::Router &router, const AnalyticsContext &context);

}  // namespace youworker
