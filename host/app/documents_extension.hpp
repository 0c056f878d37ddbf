// The host extension "switchboard.documents/1" (sdk/include/switchboard/ext/
// documents.h): the operator's documents, for transports that ingest them.
#pragma once

#include <memory>

#include "documents/document_store.hpp"
#include "switchboard/ext/documents.h"

namespace switchboard::app {

class DocumentsExtension {
 public:
  explicit DocumentsExtension(std::shared_ptr<documents::DocumentStore> store);
  const sb_documents_ext *raw() const noexcept { return &ext_; }

 private:
  std::shared_ptr<documents::DocumentStore> store_;
  sb_documents_ext ext_{};
};

}  // namespace switchboard::app
