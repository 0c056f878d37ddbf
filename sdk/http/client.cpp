// libcurl multi on a Boost.Asio thread: curl asks (socket callback, timer
// callback) what to watch, Asio waits for it, curl_multi_socket_action runs
// the transfers that are ready. Everything curl touches stays on that one
// thread; other threads only post to it.
#include "switchboard/http/client.hpp"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "switchboard/http/status_map.hpp"

namespace switchboard::http {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxErrorBody = 16 * 1024;

struct Transfer {
  std::uint64_t id = 0;
  CURL *easy = nullptr;
  curl_slist *headers = nullptr;
  curl_mime *mime = nullptr;
  Request request;
  Handlers handlers;
  Headers response_headers;
  long status = 0;
  bool head_delivered = false;
  std::string error_body;
  std::optional<sdk::Outcome> abort;
  char errbuf[CURL_ERROR_SIZE] = {};
};

struct Socket {
  Socket(asio::io_context &io, int fd) : desc(io, fd) {}
  asio::posix::stream_descriptor desc;
  int what = 0;
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

bool success(long status) {
  return status >= 200 && status < 300;
}

sdk::Outcome outcome_for_curl(CURLcode code, const Transfer &t) {
  const std::string detail = t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(code);
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_LOGIN_DENIED:
      return {sdk::Status::fatal, detail, 0};
    case CURLE_OPERATION_TIMEDOUT:
      return {sdk::Status::retryable, "timed out: " + detail, 0};
    default:
      return {sdk::Status::retryable, detail, 0};
  }
}

}  // namespace

std::string_view find_header(const Headers &headers, std::string_view name) {
  for (const auto &h : headers) {
    if (h.name.size() == name.size() && std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return h.value;
    }
  }
  return {};
}

struct Client::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer timer{io};
  CURLM *multi = nullptr;
  std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>> transfers;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::size_t> open_now{0};
  std::thread thread;

  Impl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  }

  ~Impl() {
    for (auto &[id, t] : transfers) release(*t);
    transfers.clear();
    curl_multi_cleanup(multi);
    sockets.clear();
  }

  // --- curl's callbacks, all on the I/O thread ---

  static int on_socket(CURL *, curl_socket_t fd, int what, void *self_ptr, void *) {
    auto *self = static_cast<Impl *>(self_ptr);
    const auto it = self->sockets.find(fd);
    if (it == self->sockets.end()) return 0;
    it->second->what = what == CURL_POLL_REMOVE ? 0 : what;
    self->arm(it->second, fd);
    return 0;
  }

  static int on_timer(CURLM *, long timeout_ms, void *self_ptr) {
    auto *self = static_cast<Impl *>(self_ptr);
    if (timeout_ms < 0) {
      self->timer.cancel();
      return 0;
    }
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer.async_wait([self](const boost::system::error_code &ec) {
      if (!ec) self->action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  static curl_socket_t on_open(void *self_ptr, curlsocktype purpose, curl_sockaddr *address) {
    auto *self = static_cast<Impl *>(self_ptr);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    try {
      self->sockets.emplace(fd, std::make_shared<Socket>(self->io, fd));
    } catch (...) {
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    ++self->opened;
    ++self->open_now;
    return fd;
  }

  static int on_close(void *self_ptr, curl_socket_t fd) {
    auto *self = static_cast<Impl *>(self_ptr);
    const auto it = self->sockets.find(fd);
    if (it == self->sockets.end()) return ::close(fd);
    it->second->closed = true;
    boost::system::error_code ignored;
    it->second->desc.close(ignored);
    self->sockets.erase(it);
    --self->open_now;
    return 0;
  }

  static size_t on_header(char *data, size_t size, size_t count, void *transfer) {
    auto *t = static_cast<Transfer *>(transfer);
    std::string_view line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.rfind("HTTP/", 0) == 0) {
      t->response_headers.clear();  // a new response (after 100 Continue or a redirect)
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
      Header h;
      for (char c : line.substr(0, colon))
        h.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      h.value = std::string(value);
      t->response_headers.push_back(std::move(h));
    }
    return size * count;
  }

  static size_t on_write(char *data, size_t size, size_t count, void *transfer) {
    auto *t = static_cast<Transfer *>(transfer);
    const size_t length = size * count;
    if (t->status == 0) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
    if (!success(t->status)) {
      t->error_body.append(data, std::min(length, kMaxErrorBody - std::min(kMaxErrorBody, t->error_body.size())));
      return length;
    }
    try {
      deliver_head(*t);
      if (t->handlers.on_data) {
        if (auto stop = t->handlers.on_data(std::string_view(data, length))) {
          t->abort = std::move(*stop);
          return 0;  // curl ends the transfer with a write error
        }
      }
    } catch (...) {
      t->abort = sdk::outcome_of_current_exception();
      return 0;
    }
    return length;
  }

  static void deliver_head(Transfer &t) {
    if (t.head_delivered) return;
    t.head_delivered = true;
    if (t.handlers.on_head) t.handlers.on_head(static_cast<int>(t.status), t.response_headers);
  }

  // --- the loop ---

  void arm(const std::shared_ptr<Socket> &s, curl_socket_t fd) {
    if ((s->what & CURL_POLL_IN) != 0 && !s->reading) {
      s->reading = true;
      s->desc.async_wait(asio::posix::descriptor_base::wait_read, [this, s, fd](const boost::system::error_code &ec) {
        s->reading = false;
        if (ec || s->closed || (s->what & CURL_POLL_IN) == 0) return;
        action(fd, CURL_CSELECT_IN);
        if (!s->closed) arm(s, fd);
      });
    }
    if ((s->what & CURL_POLL_OUT) != 0 && !s->writing) {
      s->writing = true;
      s->desc.async_wait(asio::posix::descriptor_base::wait_write, [this, s, fd](const boost::system::error_code &ec) {
        s->writing = false;
        if (ec || s->closed || (s->what & CURL_POLL_OUT) == 0) return;
        action(fd, CURL_CSELECT_OUT);
        if (!s->closed) arm(s, fd);
      });
    }
  }

  void action(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi, fd, events, &running);
    collect();
  }

  void collect() {
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer *t = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char **>(&t));
      const CURLcode code = message->data.result;
      finish(t->id, outcome_of(*t, code));
    }
  }

  sdk::Outcome outcome_of(Transfer &t, CURLcode code) {
    if (t.abort) return *t.abort;
    if (t.status == 0) curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.status);
    if (t.status != 0 && !success(t.status)) {
      return outcome_for_response(static_cast<int>(t.status), t.error_body,
                                  find_header(t.response_headers, "retry-after"));
    }
    if (code != CURLE_OK) return outcome_for_curl(code, t);
    try {
      deliver_head(t);  // a success with an empty body
    } catch (...) {
      return sdk::outcome_of_current_exception();
    }
    return {};
  }

  void finish(std::uint64_t id, sdk::Outcome outcome) {
    const auto it = transfers.find(id);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    release(*t);
    --active;
    outcome.message = scrub(std::move(outcome.message), t->request.secrets);
    if (t->handlers.on_done) {
      try {
        t->handlers.on_done(outcome);
      } catch (...) {
        // A handler must not throw; the call is over either way.
      }
    }
  }

  void release(Transfer &t) {
    if (t.easy != nullptr) {
      curl_multi_remove_handle(multi, t.easy);
      curl_easy_cleanup(t.easy);
      t.easy = nullptr;
    }
    if (t.mime != nullptr) curl_mime_free(t.mime);
    if (t.headers != nullptr) curl_slist_free_all(t.headers);
    t.mime = nullptr;
    t.headers = nullptr;
  }

  void add(std::unique_ptr<Transfer> owned) {
    Transfer &t = *owned;
    const std::uint64_t id = t.id;
    transfers.emplace(id, std::move(owned));
    t.easy = curl_easy_init();
    if (t.easy == nullptr) {
      finish(id, {sdk::Status::retryable, "cannot create an HTTP transfer", 0});
      return;
    }
    const Request &r = t.request;
    CURL *e = t.easy;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
    if (r.timeout.count() > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, r.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r.verify_tls ? 2L : 0L);
    if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());
    for (const auto &h : r.headers) t.headers = curl_slist_append(t.headers, (h.name + ": " + h.value).c_str());
    // No "Expect: 100-continue" round trip before an upload.
    t.headers = curl_slist_append(t.headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    if (!r.parts.empty()) {
      t.mime = curl_mime_init(e);
      for (const auto &p : r.parts) {
        curl_mimepart *part = curl_mime_addpart(t.mime);
        curl_mime_name(part, p.name.c_str());
        curl_mime_data(part, p.data.data(), p.data.size());
        if (!p.filename.empty()) curl_mime_filename(part, p.filename.c_str());
        if (!p.content_type.empty()) curl_mime_type(part, p.content_type.c_str());
      }
      curl_easy_setopt(e, CURLOPT_MIMEPOST, t.mime);
    } else if (r.method == "POST" || !r.body.empty()) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    if (r.method == "GET" && r.body.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (r.method != "POST") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    if (curl_multi_add_handle(multi, e) != CURLM_OK) {
      finish(id, {sdk::Status::retryable, "cannot start an HTTP transfer", 0});
    }
  }
};

std::shared_ptr<Client> Client::shared() {
  static std::mutex mutex;
  static std::weak_ptr<Client> current;
  std::lock_guard lock(mutex);
  auto client = current.lock();
  if (!client) {
    client = create();
    current = client;
  }
  return client;
}

std::shared_ptr<Client> Client::create() {
  return std::shared_ptr<Client>(new Client());
}

Client::Client() : impl_(std::make_shared<Impl>()) {
  // The thread holds the state too: if the last user lets go from inside a
  // handler, the state outlives the destructor until the loop has returned.
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

Client::~Client() {
  // Calls still running belong to nobody now: the state's destructor drops
  // them quietly once the loop has stopped.
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.get_id() == std::this_thread::get_id()) {
    impl_->thread.detach();
  } else {
    impl_->thread.join();
  }
}

Call Client::start(Request request, Handlers handlers) {
  auto t = std::make_unique<Transfer>();
  t->id = impl_->next_id++;
  t->request = std::move(request);
  t->handlers = std::move(handlers);
  const std::uint64_t id = t->id;
  ++impl_->active;
  asio::post(impl_->io, [impl = impl_.get(), t = std::move(t)]() mutable { impl->add(std::move(t)); });
  return Call(weak_from_this(), id);
}

void Client::cancel(std::uint64_t id) {
  asio::post(impl_->io, [impl = impl_.get(), id] { impl->finish(id, {sdk::Status::cancelled, "cancelled", 0}); });
}

asio::io_context &Client::context() noexcept {
  return impl_->io;
}

Client::Stats Client::stats() const {
  return {impl_->active.load(), impl_->opened.load(), impl_->open_now.load()};
}

void Call::cancel() const {
  if (auto client = client_.lock()) client->cancel(id_);
}

}  // namespace switchboard::http
