// stt-pocketsphinx: offline speech recognition with CMU PocketSphinx and the
// en-us model. A pool of decoders is created at start (each costs about
// 100 MB and a quarter of a second); a stream takes one for its utterance.
// open() never waits: with every decoder busy, the stream queues (first
// come, first served) and keeps its audio until one is handed to it, or
// fails as retryable after max_wait_ms so the chain can move on. feed()
// only copies into the stream's buffer, allocated at open; decoding runs on
// host workers, with partial hypotheses as it goes.
//
// Deterministic recognition: the same audio gives the same words whatever
// decoder of the pool takes it, whatever it heard before, and however the
// audio arrived. Two pieces of decoder state would otherwise depend on
// that: the live cepstral mean (PocketSphinx updates it at the end of each
// utterance and carries it into the next, and shifts it within an
// utterance at the end of each block it is given) and so the block sizes.
// So every utterance starts from the model's initial mean (-cmninit), and
// audio is decoded in fixed blocks of kBlockSamples whatever the arrival
// (the rest at the end). Nothing carries from one utterance to the next.
//
// config:
//   decoders: 2            utterances decoded at once
//   model_dir: /usr/share/pocketsphinx/model/en-us
//   max_utterance_seconds: 30
//   partial_ms: 200        how often partials are decoded
//   max_wait_ms: 2000      how long a stream may wait for a decoder
//   domain_text: []        text files of the assistant's domain (a knowledge
//                          file's questions and answers); relative to the config
//   domain_weight: 0.3     the domain model's share when interpolated with the
//                          general one (domain_model.hpp)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/ngram_model.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain_model.hpp"

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

// Decoder creation and destruction are not thread-safe in this version of
// the library: one at a time in the whole process.
std::mutex &lifecycle_mutex() {
  static std::mutex m;
  return m;
}

// Audio is decoded in blocks of this many samples (200 ms), the last block
// of an utterance whatever is left.
constexpr std::size_t kBlockSamples = 3200;

struct Decoder {
  ps_decoder_t *ps = nullptr;
  cmd_ln_t *config = nullptr;
  std::vector<mfcc_t> initial_mean;  // the live cepstral mean as the model starts it

  // A new utterance, from the same state as every other.
  void start() {
    if (feat_t *f = ps_get_feat(ps); f != nullptr && f->cmn_struct != nullptr && !initial_mean.empty()) {
      cmn_live_set(f->cmn_struct, initial_mean.data());
    }
    ps_start_utt(ps);
  }
};

class Stream;

}  // namespace

class PocketSphinxStt : public sdk::Stt {
 public:
  explicit PocketSphinxStt(sdk::Host &host);
  ~PocketSphinxStt() override;

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c,
                         {"decoders", "model_dir", "max_utterance_seconds", "partial_ms", "max_wait_ms", "domain_text",
                          "domain_weight"},
                         errors)) {
      return;
    }
    if (c.contains("domain_text") && !c["domain_text"].is_string() &&
        !(c["domain_text"].is_array() &&
          std::all_of(c["domain_text"].begin(), c["domain_text"].end(), [](const auto &v) { return v.is_string(); }))) {
      errors.add("/domain_text", "'domain_text' must be a file or a list of files");
    }
    if (c.contains("domain_weight") && (!c["domain_weight"].is_number() || c["domain_weight"].get<double>() <= 0 ||
                                        c["domain_weight"].get<double>() >= 1)) {
      errors.add("/domain_weight", "'domain_weight' must be a number between 0 and 1");
    }
    cfg::expect_integer(c, "decoders", errors, 1, 64);
    cfg::expect_string(c, "model_dir", errors);
    cfg::expect_integer(c, "max_utterance_seconds", errors, 1, 600);
    cfg::expect_integer(c, "partial_ms", errors, 20, 10000);
    cfg::expect_integer(c, "max_wait_ms", errors, 0, 600000);
  }

  std::unique_ptr<sdk::SttStream> open(const sdk::SttOptions &, sdk::SttSink sink, sdk::CancelToken cancel) override;
  void use_domain(sdk::Host &host);

  // A decoder comes back: to the first stream waiting, or to the pool.
  void release(Decoder *d);
  // A waiting stream gives up its place. False when a decoder is already
  // on its way to it (it will arrive through Stream::attach).
  bool withdraw(const Stream *s);

  sdk::Host &host() { return host_; }
  int partial_ms() const { return partial_ms_; }
  int max_wait_ms() const { return max_wait_ms_; }
  std::size_t decoder_count() const { return decoders_.size(); }

 private:
  sdk::Host &host_;
  int partial_ms_;
  int max_wait_ms_;
  std::size_t max_samples_;
  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::mutex mutex_;
  std::vector<Decoder *> free_;
  std::deque<std::shared_ptr<Stream>> waiting_;
};

namespace {

class Stream : public sdk::SttStream, public std::enable_shared_from_this<Stream> {
 public:
  Stream(PocketSphinxStt &owner, std::size_t max_samples, sdk::SttSink sink, sdk::CancelToken cancel)
      : owner_(owner),
        audio_(max_samples),
        sink_(std::move(sink)),
        cancel_(cancel),
        opened_(std::chrono::steady_clock::now()) {}

  // The decoder taken at open, before the stream is shared with anyone:
  // no lock (open runs under the host's own locks).
  void adopt(Decoder *d) {
    decoder_ = d;
    d->start();
  }

  // A decoder handed over by release (a worker, no other lock held); the
  // waiting ticks start decoding with it.
  void attach(Decoder *d) {
    {
      std::lock_guard lock(mutex_);
      if (!ended_) {
        decoder_ = d;
        d->start();
        d = nullptr;
      }
    }
    if (d != nullptr) {
      owner_.release(d);  // ended while it was on its way: pass it on
      return;
    }
    // The waiting ticks go on and pick the decoder up; an utterance that
    // already ended need not wait for the next one.
    if (finished_.load(std::memory_order_acquire)) schedule(0);
  }

  // Ticks while waiting too: cancellation and the wait limit are noticed.
  void start() { schedule(owner_.partial_ms()); }

  // [audio-thread] Copies into the preallocated buffer; the rest is dropped.
  void feed(const std::int16_t *samples, std::size_t count) override {
    const std::size_t at = written_.load(std::memory_order_relaxed);
    const std::size_t n = std::min(count, audio_.size() - at);
    std::copy(samples, samples + n, audio_.begin() + static_cast<long>(at));
    written_.store(at + n, std::memory_order_release);
  }

  void finish() override {
    finished_.store(true, std::memory_order_release);
    schedule(0);
  }

 private:
  void schedule(int delay_ms) {
    auto self = shared_from_this();
    owner_.host().post([self] { self->tick(); }, std::chrono::milliseconds(delay_ms));
  }

  // On a worker: decode what arrived, report, and end when finished.
  void tick() {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    if (decoder_ == nullptr) {
      wait_tick();
      return;
    }
    if (cancel_.cancelled()) {
      end(sdk::Status::cancelled, "cancelled");
      return;
    }
    const bool finished = finished_.load(std::memory_order_acquire);
    const std::size_t written = written_.load(std::memory_order_acquire);
    // Whole blocks as they come; at the end, the rest.
    while (written - decoded_ >= kBlockSamples) {
      ps_process_raw(decoder_->ps, audio_.data() + decoded_, kBlockSamples, FALSE, FALSE);
      decoded_ += kBlockSamples;
    }
    if (finished && written > decoded_) {
      ps_process_raw(decoder_->ps, audio_.data() + decoded_, written - decoded_, FALSE, FALSE);
      decoded_ = written;
    }
    if (!finished) {
      int32 score = 0;
      const char *hyp = ps_get_hyp(decoder_->ps, &score);
      if (hyp != nullptr && *hyp != '\0' && last_partial_ != hyp) {
        last_partial_ = hyp;
        sink_.partial(hyp);
      }
      schedule(owner_.partial_ms());
      return;
    }
    ps_end_utt(decoder_->ps);
    int32 score = 0;
    const char *hyp = ps_get_hyp(decoder_->ps, &score);
    const double confidence = logmath_exp(ps_get_logmath(decoder_->ps), ps_get_prob(decoder_->ps));
    sink_.final_text(hyp != nullptr ? hyp : "", static_cast<float>(std::clamp(confidence, 0.0, 1.0)), "en-US");
    end(sdk::Status::ok, "");
  }

  // Still queued for a decoder (under mutex_).
  void wait_tick() {
    const bool cancelled = cancel_.cancelled();
    const bool too_long = std::chrono::steady_clock::now() - opened_ >= std::chrono::milliseconds(owner_.max_wait_ms());
    if ((cancelled || too_long) && owner_.withdraw(this)) {
      if (cancelled) {
        end(sdk::Status::cancelled, "cancelled");
      } else {
        end(sdk::Status::retryable, "all " + std::to_string(owner_.decoder_count()) + " decoders stayed busy for " +
                                        std::to_string(owner_.max_wait_ms()) + " ms");
      }
      return;
    }
    schedule(owner_.partial_ms());  // a decoder on its way arrives through attach
  }

  void end(sdk::Status status, const std::string &message) {
    ended_ = true;
    if (decoder_ != nullptr) {
      if (status != sdk::Status::ok) ps_end_utt(decoder_->ps);
      // Handed on from a task of its own, so no stream's lock is ever held
      // while another stream's is taken.
      owner_.host().post([&owner = owner_, d = decoder_] { owner.release(d); });
      decoder_ = nullptr;
    }
    if (status == sdk::Status::ok) {
      sink_.done();
    } else {
      sink_.fail(status, message);
    }
  }

  PocketSphinxStt &owner_;
  std::vector<std::int16_t> audio_;  // the utterance, allocated at open
  sdk::SttSink sink_;
  sdk::CancelToken cancel_;
  std::chrono::steady_clock::time_point opened_;
  std::mutex mutex_;
  Decoder *decoder_ = nullptr;
  std::atomic<std::size_t> written_{0};
  std::atomic<bool> finished_{false};
  std::size_t decoded_ = 0;
  bool ended_ = false;
  std::string last_partial_;
};

// The SDK owns the stream through this; ticks share the stream itself.
class StreamHandle : public sdk::SttStream {
 public:
  explicit StreamHandle(std::shared_ptr<Stream> s) : stream_(std::move(s)) {}
  void feed(const std::int16_t *samples, std::size_t count) override { stream_->feed(samples, count); }
  void finish() override { stream_->finish(); }

 private:
  std::shared_ptr<Stream> stream_;
};

}  // namespace

PocketSphinxStt::PocketSphinxStt(sdk::Host &host)
    : host_(host),
      partial_ms_(host.config().value("partial_ms", 200)),
      max_wait_ms_(host.config().value("max_wait_ms", 2000)),
      max_samples_(static_cast<std::size_t>(host.config().value("max_utterance_seconds", 30)) * 16000) {
  const std::string model = host.config().value("model_dir", "/usr/share/pocketsphinx/model/en-us");
  const int count = host.config().value("decoders", 2);
  const std::string hmm = model + "/en-us";
  const std::string lm = model + "/en-us.lm.bin";
  const std::string dict = model + "/cmudict-en-us.dict";
  std::lock_guard lock(lifecycle_mutex());
  for (int i = 0; i < count; ++i) {
    auto d = std::make_unique<Decoder>();
    d->config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict", dict.c_str(),
                            "-logfn", "/dev/null", nullptr);
    d->ps = d->config != nullptr ? ps_init(d->config) : nullptr;
    if (d->ps == nullptr) {
      if (d->config != nullptr) cmd_ln_free_r(d->config);
      throw sdk::Error(sdk::Status::fatal, "cannot load the PocketSphinx model from '" + model + "'");
    }
    if (feat_t *f = ps_get_feat(d->ps); f != nullptr && f->cmn_struct != nullptr) {
      d->initial_mean.resize(static_cast<std::size_t>(f->cmn_struct->veclen));
      cmn_live_get(f->cmn_struct, d->initial_mean.data());
    }
    free_.push_back(d.get());
    decoders_.push_back(std::move(d));
  }
  use_domain(host);
  host.info(std::to_string(count) + " decoders ready (" + model + ")");
}

// The domain model: built once from the configured text over the words the
// dictionary knows, then interpolated with each decoder's general model.
void PocketSphinxStt::use_domain(sdk::Host &host) {
  const auto &c = host.config();
  std::vector<std::string> files;
  if (const auto it = c.find("domain_text"); it != c.end()) {
    if (it->is_string()) files.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const auto &f : *it) files.push_back(f.get<std::string>());
    }
  }
  if (files.empty() || decoders_.empty()) return;
  std::vector<std::vector<std::string>> sentences;
  for (const auto &name : files) {
    std::filesystem::path path(name);
    if (path.is_relative()) path = std::filesystem::path(host.config_dir()) / path;
    std::ifstream in(path);
    if (!in) throw sdk::Error(sdk::Status::fatal, "cannot read domain_text '" + path.string() + "'");
    std::stringstream text;
    text << in.rdbuf();
    for (auto &s : pocketsphinx_domain::sentences_of(text.str())) sentences.push_back(std::move(s));
  }
  ps_decoder_t *first = decoders_.front()->ps;
  const std::string arpa = pocketsphinx_domain::arpa_of(sentences, [first](const std::string &w) {
    char *phones = ps_lookup_word(first, w.c_str());
    const bool known = phones != nullptr;
    std::free(phones);  // NOLINT: PocketSphinx's string, from malloc
    return known;
  });
  if (arpa.empty()) return;
  char path[] = "/tmp/switchboard-domain-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw sdk::Error(sdk::Status::fatal, "cannot write the domain model");
  ::close(fd);
  std::ofstream(path) << arpa;
  const float weight = static_cast<float>(c.value("domain_weight", 0.3));
  std::string failed;
  for (auto &d : decoders_) {
    ngram_model_t *domain = ngram_model_read(d->config, path, NGRAM_ARPA, ps_get_logmath(d->ps));
    ngram_model_t *general = ps_get_lm(d->ps, ps_get_search(d->ps));
    if (domain == nullptr || general == nullptr) {
      if (domain != nullptr) ngram_model_free(domain);
      failed = "cannot load the domain model";
      break;
    }
    ngram_model_retain(general);  // the default search keeps its own
    ngram_model_t *models[] = {general, domain};
    char general_name[] = "general", domain_name[] = "domain";
    char *names[] = {general_name, domain_name};
    const float32 weights[] = {1.0F - weight, weight};
    ngram_model_t *set = ngram_model_set_init(d->config, models, names, weights, 2);
    if (set == nullptr || ps_set_lm(d->ps, "domain", set) != 0 || ps_set_search(d->ps, "domain") != 0) {
      failed = "cannot use the domain model";
      if (set != nullptr) ngram_model_free(set);
      break;
    }
    ngram_model_free(set);  // the search holds it now
  }
  std::filesystem::remove(path);
  if (!failed.empty()) throw sdk::Error(sdk::Status::fatal, failed);
  host.info("domain model: " + std::to_string(sentences.size()) + " sentences, weight " + std::to_string(weight));
}

PocketSphinxStt::~PocketSphinxStt() {
  std::lock_guard lock(lifecycle_mutex());
  for (auto &d : decoders_) {
    ps_free(d->ps);
    cmd_ln_free_r(d->config);
  }
}

void PocketSphinxStt::release(Decoder *d) {
  std::shared_ptr<Stream> next;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      free_.push_back(d);
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
  }
  next->attach(d);
}

bool PocketSphinxStt::withdraw(const Stream *s) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(waiting_.begin(), waiting_.end(), [s](const auto &w) { return w.get() == s; });
  if (it == waiting_.end()) return false;
  waiting_.erase(it);
  return true;
}

std::unique_ptr<sdk::SttStream> PocketSphinxStt::open(const sdk::SttOptions &, sdk::SttSink sink,
                                                      sdk::CancelToken cancel) {
  auto stream = std::make_shared<Stream>(*this, max_samples_, std::move(sink), cancel);
  Decoder *d = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (free_.empty()) {
      waiting_.push_back(stream);  // a released decoder comes to it, first come first served
    } else {
      d = free_.back();
      free_.pop_back();
    }
  }
  if (d != nullptr) stream->adopt(d);
  stream->start();
  return std::make_unique<StreamHandle>(std::move(stream));
}

SWITCHBOARD_PLUGIN(PocketSphinxStt, "stt-pocketsphinx", "1.0.0", "CMU PocketSphinx speech recognition (offline)")
