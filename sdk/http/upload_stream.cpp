#include "switchboard/http/upload_stream.hpp"

#include <cstring>
#include <mutex>

#include "switchboard/http/cancel_link.hpp"

namespace switchboard::http {

struct UploadStream::Finisher {
  std::shared_ptr<Client> client;
  MakeRequest make;
  ReadAnswer read;
};

struct UploadStream::State {
  State(sdk::SttSink s, std::size_t max) : sink(std::move(s)), buffer(max) {}
  sdk::SttSink sink;
  std::vector<std::int16_t> buffer;  // allocated once, at open
  std::size_t used = 0;
  bool overflow = false;
  CancelLink link;
  std::mutex mutex;
  bool started = false;
  bool over = false;
  std::optional<Call> call;

  void cancel_now() {
    std::unique_lock lock(mutex);
    if (call) {
      const Call c = *call;
      lock.unlock();
      c.cancel();  // its on_done reports the cancellation
      return;
    }
    over = true;
    lock.unlock();
    link.release();
    sink.fail(sdk::Status::cancelled, "cancelled");
  }
};

UploadStream::UploadStream(std::shared_ptr<Client> client, std::size_t max_samples, MakeRequest make, ReadAnswer read,
                           sdk::SttSink sink, const sdk::CancelToken &cancel)
    : state_(std::make_shared<State>(std::move(sink), max_samples)) {
  // What finish() needs is kept in the state, not in this object, which the
  // host may free as soon as the stream reports done.
  auto s = state_;
  s->link.arm(cancel);
  finisher_ = std::make_shared<Finisher>(Finisher{std::move(client), std::move(make), std::move(read)});
  s->link.attach([s] { s->cancel_now(); });
}

void UploadStream::feed(const std::int16_t *samples, std::size_t count) {
  State &s = *state_;
  if (s.overflow) return;
  if (s.used + count > s.buffer.size()) {
    s.overflow = true;
    return;
  }
  std::memcpy(s.buffer.data() + s.used, samples, count * sizeof(std::int16_t));
  s.used += count;
}

void UploadStream::finish() {
  auto s = state_;
  {
    std::lock_guard lock(s->mutex);
    if (s->over || s->started) return;
    s->started = true;
  }
  if (s->overflow) {
    s->link.release();
    s->sink.fail(sdk::Status::invalid_input, "the utterance is longer than the " +
                                                 std::to_string(s->buffer.size() / 16000) + " s this provider takes");
    return;
  }
  Request request = finisher_->make(s->buffer.data(), s->used);
  auto body = std::make_shared<std::string>();
  Handlers handlers;
  handlers.on_data = [body](std::string_view bytes) -> std::optional<sdk::Outcome> {
    body->append(bytes);
    return std::nullopt;
  };
  handlers.on_done = [s, body, read = finisher_->read](const sdk::Outcome &outcome) {
    s->link.release();
    if (!outcome.ok()) {
      s->sink.fail(outcome);
      return;
    }
    sdk::Outcome result;
    try {
      result = read(*body, s->sink);
    } catch (...) {
      result = sdk::outcome_of_current_exception();
    }
    if (result.ok()) {
      s->sink.done();
    } else {
      s->sink.fail(result);
    }
  };
  const Call call = finisher_->client->start(std::move(request), std::move(handlers));
  std::unique_lock lock(s->mutex);
  s->call = call;
  const bool cancelled = s->link.cancelled();
  lock.unlock();
  if (cancelled) call.cancel();
}

}  // namespace switchboard::http
