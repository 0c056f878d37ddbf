#include "upstream/tls_front.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <thread>

#include "upstream/server.hpp"

#include <boost/asio/ssl.hpp>

namespace switchboard::upstream {

namespace {

using tcp = asio::ip::tcp;

// A fresh P-256 key and a self-signed certificate for 127.0.0.1/localhost.
struct Identity {
  std::string cert_pem;
  std::string key_pem;
};

Identity make_identity() {
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME *name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const char *ext : {"subjectAltName=IP:127.0.0.1,DNS:localhost", "basicConstraints=critical,CA:TRUE"}) {
    const std::string text(ext);
    const auto eq = text.find('=');
    X509_EXTENSION *e = X509V3_EXT_conf(nullptr, &ctx, text.substr(0, eq).c_str(), text.substr(eq + 1).c_str());
    X509_add_ext(cert, e, -1);
    X509_EXTENSION_free(e);
  }
  X509_sign(cert, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO *bio = BIO_new(BIO_s_mem());
    write(bio);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
  };
  Identity id{pem([&](BIO *b) { PEM_write_bio_X509(b, cert); }),
              pem([&](BIO *b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
  X509_free(cert);
  EVP_PKEY_free(key);
  return id;
}

// Copies one direction until it ends; closes both sockets unless told not to.
awaitable<void> pipe(auto &from, auto &to, bool close_both = true) {
  char data[16384];
  try {
    for (;;) {
      const std::size_t n = co_await from.async_read_some(asio::buffer(data), use_awaitable);
      co_await asio::async_write(to, asio::buffer(data, n), use_awaitable);
    }
  } catch (const std::exception &) {
  }
  if (!close_both) co_return;
  beast::error_code ignored;
  beast::get_lowest_layer(from).close(ignored);
  beast::get_lowest_layer(to).close(ignored);
}

}  // namespace

struct TlsFront::Impl {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::uint16_t target;
  std::thread thread;

  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> serve(tcp::socket socket) {
    try {
      auto client = std::make_shared<asio::ssl::stream<tcp::socket>>(std::move(socket), tls);
      co_await client->async_handshake(asio::ssl::stream_base::server, use_awaitable);
      auto upstream = std::make_shared<tcp::socket>(io);
      co_await upstream->async_connect({asio::ip::make_address("127.0.0.1"), target}, use_awaitable);
      asio::co_spawn(
          io, [client, upstream]() -> awaitable<void> { co_await pipe(*client, *upstream); }, asio::detached);
      co_await pipe(*upstream, *client, false);
      // The upstream is done: end TLS properly (close_notify), then the socket.
      boost::system::error_code ec;
      co_await client->async_shutdown(asio::redirect_error(use_awaitable, ec));
      beast::get_lowest_layer(*client).close(ec);
    } catch (const std::exception &) {
      // A client that refused the certificate ends here: that is the point.
    }
  }
};

TlsFront::TlsFront(std::uint16_t target_port, std::string cert_file)
    : cert_file_(std::move(cert_file)), impl_(std::make_unique<Impl>()) {
  const Identity id = make_identity();
  std::ofstream(cert_file_) << id.cert_pem;
  impl_->target = target_port;
  impl_->tls.use_certificate_chain(asio::buffer(id.cert_pem));
  impl_->tls.use_private_key(asio::buffer(id.key_pem), asio::ssl::context::pem);
  const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(at.protocol());
  impl_->acceptor.bind(at);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

TlsFront::~TlsFront() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t TlsFront::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string TlsFront::url() const {
  return "https://127.0.0.1:" + std::to_string(port());
}

}  // namespace switchboard::upstream
