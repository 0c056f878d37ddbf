#include "plugin_test/probe.hpp"

#include <cstring>
#include <thread>

#include "plugin_test/runner.hpp"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::plugin_test {

std::string error_problem(const sb_error &err) {
  const void *end = std::memchr(err.message, '\0', SB_ERROR_MESSAGE_MAX);
  if (end == nullptr) return "the error message has no NUL within SB_ERROR_MESSAGE_MAX bytes";
  const std::string_view message(err.message);
  if (message.empty()) return "the error message is empty";
  if (!sdk::valid_utf8(message)) return "the error message is not UTF-8";
  return "";
}

sb_error poisoned_error() {
  sb_error err{};
  err.struct_size = sizeof err;
  std::memset(err.message, 0xFF, sizeof err.message);
  return err;
}

// Marks one callback: flags a second one running at once and one after
// on_done returned.
class Probe::Inside {
 public:
  Inside(Probe &probe, const char *name) : probe_(probe) {
    if (probe_.done_returned_.load()) probe_.problem(std::string(name) + " came after on_done returned");
    if (probe_.inside_.exchange(true)) {
      probe_.problem(std::string(name) + " ran while another callback of the same call was running");
      overlapped_ = true;
    }
    if (probe_.options_.callback_time.count() > 0) std::this_thread::sleep_for(probe_.options_.callback_time);
  }
  ~Inside() {
    if (!overlapped_) probe_.inside_.store(false);
  }
  Inside(const Inside &) = delete;
  Inside &operator=(const Inside &) = delete;

 private:
  Probe &probe_;
  bool overlapped_ = false;
};

Probe::Probe(Options options) : options_(std::move(options)) {
  llm_ = sb_llm_callbacks{sizeof llm_, this, &on_token, &on_usage, &on_done, &on_tool_call};
  tts_ = sb_tts_callbacks{sizeof tts_, this, &on_audio, &on_done, &on_word};
  stt_ = sb_stt_callbacks{sizeof stt_, this, &on_partial, &on_final, &on_done};
}

void Probe::problem(std::string what) {
  std::lock_guard lock(mutex_);
  if (problems_.size() < 10) problems_.push_back(std::move(what));
}

void Probe::data() {
  data_.fetch_add(1);
  if (options_.on_first_data && !first_data_seen_.exchange(true)) options_.on_first_data();
}

bool Probe::wait_done(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  const bool done = done_.wait_for(lock, limit, [this] { return done_returned_.load(); });
  if (done) note_progress();  // a call ended: the check moves
  return done;
}

std::vector<std::string> Probe::problems_after(std::chrono::milliseconds grace) {
  std::this_thread::sleep_for(grace);  // waiting for what must not come: no event to wait for
  std::lock_guard lock(mutex_);
  std::vector<std::string> out = problems_;
  if (done_count_.load() > 1) out.push_back("on_done came " + std::to_string(done_count_.load()) + " times");
  return out;
}

sb_status Probe::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}
std::string Probe::error_message() const {
  std::lock_guard lock(mutex_);
  return error_message_;
}
std::string Probe::text() const {
  std::lock_guard lock(mutex_);
  return text_;
}
std::vector<Probe::Word> Probe::words() const {
  std::lock_guard lock(mutex_);
  return words_;
}
std::vector<float> Probe::confidences() const {
  std::lock_guard lock(mutex_);
  return confidences_;
}

void Probe::on_token(void *user, const char *text, size_t size) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_token");
  if (text == nullptr && size > 0) self->problem("on_token got NULL text");
  {
    std::lock_guard lock(self->mutex_);
    if (text != nullptr) self->text_.append(text, size);
  }
  self->data();
}

void Probe::on_usage(void *user, uint32_t, uint32_t) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_usage");
  self->usage_.fetch_add(1);
}

void Probe::on_tool_call(void *user, uint32_t, const char *, const char *, const char *, size_t) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_tool_call");
  self->problem("on_tool_call came for a request that offered no tools");
}

void Probe::on_audio(void *user, const int16_t *samples, size_t count, uint32_t sample_rate) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_audio");
  if (samples == nullptr && count > 0) self->problem("on_audio got NULL samples");
  if (sample_rate == 0) self->problem("on_audio got sample_rate 0");
  self->samples_.fetch_add(count);
  self->data();
}

void Probe::on_word(void *user, size_t text_offset, uint64_t sample) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_word");
  std::lock_guard lock(self->mutex_);
  self->words_.push_back({text_offset, sample, self->samples_.load()});
}

void Probe::on_partial(void *user, const char *text) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_partial");
  if (text == nullptr) {
    self->problem("on_partial got NULL text");
  } else if (!sdk::valid_utf8(text)) {
    self->problem("on_partial got text that is not UTF-8");
  }
  self->data();
}

void Probe::on_final(void *user, const char *text, float confidence, const char *language) {
  auto *self = static_cast<Probe *>(user);
  Inside inside(*self, "on_final");
  if (text == nullptr) {
    self->problem("on_final got NULL text");
  } else if (!sdk::valid_utf8(text)) {
    self->problem("on_final got text that is not UTF-8");
  }
  if (language != nullptr && !sdk::valid_utf8(language)) self->problem("on_final got a language that is not UTF-8");
  {
    std::lock_guard lock(self->mutex_);
    self->confidences_.push_back(confidence);
    if (text != nullptr) {
      if (!self->text_.empty()) self->text_ += ' ';
      self->text_ += text;
    }
  }
  self->data();
}

void Probe::on_done(void *user, sb_status status, const sb_error *error) {
  auto *self = static_cast<Probe *>(user);
  {
    Inside inside(*self, "on_done");
    self->done_count_.fetch_add(1);
    std::lock_guard lock(self->mutex_);
    if (self->done_count_.load() == 1) {
      self->status_ = status;
      if (status < SB_OK || status > SB_FATAL) {
        self->problems_.push_back("on_done got status " + std::to_string(static_cast<int>(status)) +
                                  ", not an sb_status");
      }
      if (status == SB_OK && error != nullptr) {
        self->problems_.push_back("on_done(SB_OK) came with an error; abi says error is NULL on SB_OK");
      }
      if (status != SB_OK) {
        if (error == nullptr) {
          self->problems_.push_back("on_done(status " + std::to_string(static_cast<int>(status)) +
                                    ") came without an error");
        } else if (const std::string p = error_problem(*error); !p.empty()) {
          self->problems_.push_back("on_done: " + p);
        } else {
          self->error_message_ = error->message;
        }
      }
    }
  }
  std::lock_guard lock(self->mutex_);
  self->done_returned_.store(true);
  self->done_.notify_all();
}

}  // namespace switchboard::plugin_test
