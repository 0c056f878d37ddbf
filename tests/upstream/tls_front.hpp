// A TLS front for the upstream: terminates TLS with a self-signed
// certificate made at start (for 127.0.0.1 and localhost) and forwards the
// bytes to a plain port. Lets the tests check that the plugins verify
// certificates, and that a configured CA (or tls_verify: false) lets them in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace switchboard::upstream {

class TlsFront {
 public:
  // Forwards to 127.0.0.1:target_port; the certificate's PEM is written to
  // `cert_file` (a CA file for the client).
  TlsFront(std::uint16_t target_port, std::string cert_file);
  ~TlsFront();
  TlsFront(const TlsFront &) = delete;
  TlsFront &operator=(const TlsFront &) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "https://127.0.0.1:PORT"
  const std::string &cert_file() const noexcept { return cert_file_; }

  struct Impl;

 private:
  std::string cert_file_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::upstream
