#include "conversation/session.hpp"

#include <spdlog/spdlog.h>

#include "audio/settings.hpp"
#include "conversation/ids.hpp"

namespace switchboard::conversation {

const char *to_string(State state) noexcept {
  switch (state) {
    case State::idle:
      return "idle";
    case State::listening:
      return "listening";
    case State::thinking:
      return "thinking";
    case State::speaking:
      return "speaking";
  }
  return "idle";
}

Session::Session(std::string id, std::shared_ptr<EngineContext> context, std::string owner)
    : id_(std::move(id)),
      owner_(std::move(owner)),
      context_(std::move(context)),
      strand_(core::Strand::create(context_->executor)),
      input_(audio::input_limits(context_->settings()->audio)) {
  last_activity_.store(context_->wall_now());
}

Session::~Session() {
  // Calls still in flight get nothing more to say to this session (their
  // links hold it weakly); cancelling ends them now.
  if (turn_) {
    if (turn_->llm) turn_->llm->cancel();
    if (turn_->tts) turn_->tts->cancel();
  }
  for (auto &[n, u] : utterances_open_) {
    if (u.call) u.call->cancel();
  }
  if (playback_timer_) playback_timer_->cancel();
}

void Session::touch() {
  last_activity_.store(context_->wall_now(), std::memory_order_relaxed);
}

void Session::attach(std::shared_ptr<SessionObserver> observer) {
  touch();
  strand_->post([self = shared_from_this(), observer = std::move(observer)]() mutable {
    if (self->closed_) return;
    if (self->observer_ && self->observer_ != observer) self->observer_->on_replaced();
    self->observer_ = std::move(observer);
    self->options_ = {};  // each client chooses its own (configure)
    self->taking_audio_ = true;
    const State now = self->state();
    self->emit(event::StateChange{now, now});
    if (now == State::idle) self->set_state(State::listening);
  });
}

void Session::detach(const SessionObserver *observer) {
  std::uint64_t pushes_seen = 0;
  {
    std::lock_guard lock(network_);
    pushes_seen = pushes_;
  }
  strand_->post([self = shared_from_this(), observer, pushes_seen] {
    if (self->observer_.get() != observer) return;
    self->observer_.reset();
    self->taking_audio_ = false;
    if (self->state() == State::listening) self->set_state(State::idle);
    self->drop_audio_path(pushes_seen);
  });
}

// Every frame the client sent before it left has been analysed by now (its
// pumps were queued before this task); what is left in the ring is less
// than a frame, the tail of a stream that is over.
void Session::drop_audio_path(std::uint64_t pushes_seen) {
  if (open_utterance_ != 0) return;
  std::lock_guard lock(network_);
  if (pushes_ != pushes_seen || !path_owner_) return;  // another client is sending already
  path_.store(nullptr, std::memory_order_release);
  dropped_before_ += path_owner_->overruns();
  const std::size_t bytes = path_owner_->memory_bytes() + decoded_.capacity() * sizeof(std::int16_t);
  path_owner_.reset();
  decoded_ = {};
  context_->heap.freed(bytes);
}

bool Session::push_audio(std::span<const std::uint8_t> bytes, std::string &error, int declared_rate,
                         int declared_channels) {
  {
    std::lock_guard lock(network_);
    touch();
    ++pushes_;
    decoded_.clear();
    if (!input_.accept(bytes, decoded_, error, declared_rate, declared_channels)) return false;
    if (!path_owner_) {
      audio::AudioPathListener &listener = *this;
      path_owner_ = std::make_unique<audio::AudioPath>(audio::path_settings(context_->settings()->audio), listener);
      path_owner_->set_speaking(state() == State::speaking);
      path_.store(path_owner_.get(), std::memory_order_release);
    }
    path_owner_->push(decoded_);
  }
  // Between turns the strand is usually asleep: the frame is analysed here,
  // on the network thread that brought it, instead of waking a worker.
  if (!strand_->run_if_idle([this] { pump(); })) schedule_pump();
  return true;
}

std::uint64_t Session::dropped_samples() {
  std::lock_guard lock(network_);
  return dropped_before_ + (path_owner_ ? path_owner_->overruns() : 0);
}

void Session::end_audio() {
  std::lock_guard lock(network_);
  std::string error;
  decoded_.clear();
  if (!input_.end_stream(decoded_, error)) spdlog::debug("session {}: end of audio: {}", id_, error);
  if (!path_owner_) {
    strand_->post([self = shared_from_this()] {
      if (self->closed_) return;
      self->audio_ending_ = true;
      self->settle_audio();
    });
    return;
  }
  path_owner_->push(decoded_);
  strand_->post([self = shared_from_this()] {
    if (self->closed_) return;
    if (auto *path = self->path_.load(std::memory_order_acquire)) path->finish();
    self->taking_audio_ = self->observer_ != nullptr;
    if (!self->turn_ && self->state() == State::listening) self->set_state(self->resting_state());
    self->audio_ending_ = true;
    self->settle_audio();
  });
}

void Session::settle_audio() {
  if (!audio_ending_ || !utterances_open_.empty()) return;
  audio_ending_ = false;
  const bool heard = heard_since_done_;
  heard_since_done_ = false;
  emit(event::AudioDone{heard});
}

// One pump queued at a time; it holds the session (a reference count, not an
// allocation) and captures only `this`, so queuing it allocates nothing.
void Session::schedule_pump() {
  if (pump_pending_.exchange(true, std::memory_order_acq_rel)) return;
  pump_keep_ = shared_from_this();
  strand_->post([this] {
    auto keep = std::move(pump_keep_);
    pump_pending_.store(false, std::memory_order_release);
    pump();
  });
}

void Session::pump() {
  if (closed_) return;
  if (!taking_audio_) {
    taking_audio_ = true;
    if (state() == State::idle) set_state(State::listening);
  }
  auto *path = path_.load(std::memory_order_acquire);
  if (path == nullptr) return;  // let go since this pump was queued
  frames_heard_.fetch_add(path->pump(), std::memory_order_release);
}

void Session::on_vad(bool is_speech, bool speech_ended) {
  emit(event::VadStatus{is_speech, speech_ended});
}

void Session::on_utterance_start(std::int64_t) {
  const auto chains = context_->chains();
  const auto &audio = context_->settings()->audio;
  const std::uint64_t n = ++utterances_;
  auto &u = utterances_open_[n];
  open_utterance_ = n;
  const auto max_samples = static_cast<std::size_t>((audio.max_utterance_seconds + 1) * audio::kPipelineRate);
  u.call = chains->stt()->start(SttLink::make(weak_target(), strand_, n), max_samples);
  feeding_ = u.call;
  if (state() == State::idle) set_state(State::listening);
}

void Session::on_utterance_frame(std::span<const std::int16_t, audio::kFrameSamples> frame) {
  if (feeding_) feeding_->feed(frame.data(), frame.size());
}

void Session::on_utterance_end(std::int64_t, const audio::UtteranceMetrics &metrics) {
  emit(event::AudioMetrics{metrics});
  const auto it = utterances_open_.find(open_utterance_);
  open_utterance_ = 0;
  feeding_.reset();
  if (it == utterances_open_.end()) return;
  it->second.ended = context_->clock.now();
  it->second.seconds = static_cast<double>(metrics.duration_ms) / 1000.0;
  if (!turn_) set_state(State::thinking);
  if (it->second.call) it->second.call->finish();
}

void Session::on_barge_in(std::int64_t) {
  if (turn_ || state() == State::speaking) stop_turn("barge-in");
}

void Session::stt_partial(std::uint64_t, const std::string &text) {
  if (closed_ || text.empty()) return;
  emit(event::Transcript{"", text, false, 0, context_->wall_now()});
}

void Session::stt_final(std::uint64_t utterance, const std::string &text, float confidence) {
  const auto it = utterances_open_.find(utterance);
  if (closed_ || it == utterances_open_.end()) return;
  it->second.final_text += (it->second.final_text.empty() || text.empty() ? "" : " ") + text;
  it->second.confidence = confidence;
}

void Session::stt_replay(std::uint64_t utterance) {
  const auto it = utterances_open_.find(utterance);
  if (closed_ || it == utterances_open_.end()) return;
  it->second.final_text.clear();
  it->second.confidence = 0;
}

void Session::stt_done(std::uint64_t utterance, const Outcome &outcome) {
  const auto it = utterances_open_.find(utterance);
  if (it == utterances_open_.end()) return;
  Utterance u = std::move(it->second);
  utterances_open_.erase(it);
  if (closed_) return;
  if (!outcome.ok()) {
    emit(event::Error{"stt_failed", "speech could not be recognised: " + outcome.message});
  }
  if (u.final_text.empty() || !outcome.ok()) {
    // Nothing was said (noise, a cough) or nothing could be heard: no turn.
    if (!turn_ && state() == State::thinking) set_state(resting_state());
    settle_audio();
    return;
  }
  heard_since_done_ = true;
  const auto now = context_->clock.now();
  const double transcript_ms = std::chrono::duration<double, std::milli>(now - u.ended).count();
  const std::string user_id = new_id();
  emit(event::Transcript{user_id, u.final_text, true, u.confidence, context_->wall_now()});
  receive({std::move(u.final_text), user_id, true, u.ended, transcript_ms, u.seconds, options_});
  settle_audio();
}

void Session::send_text(std::string text, bool with_audio) {
  touch();
  const auto now = context_->clock.now();
  strand_->post([self = shared_from_this(), text = std::move(text), with_audio, now]() mutable {
    if (self->closed_) return;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      self->emit(event::Error{"empty_message", "the message has no text"});
      return;
    }
    self->receive({std::move(text), new_id(), with_audio, now, -1, 0, self->options_});
  });
}

void Session::set_voice(std::string voice) {
  strand_->post([self = shared_from_this(), voice = std::move(voice)]() mutable { self->voice_ = std::move(voice); });
}

bool Session::configure(const nlohmann::json &options, std::string &error) {
  if (!options.is_object()) {
    error = "the options are a JSON object";
    return false;
  }
  AnswerOptions next;
  bool has_provider = false, has_tools = false, has_documents = false, has_collections = false;
  for (const auto &[key, value] : options.items()) {
    if (key == "llm_provider" && value.is_string()) {
      next.llm_provider = value.get<std::string>();
      has_provider = true;
    } else if (key == "tools" && value.is_boolean()) {
      next.tools = value.get<bool>();
      has_tools = true;
    } else if (key == "documents" && value.is_boolean()) {
      next.documents = value.get<bool>();
      has_documents = true;
    } else if (key == "collections" && value.is_array()) {
      for (const auto &c : value) {
        if (!c.is_string()) {
          error = "collections are names (strings)";
          return false;
        }
        next.collections.push_back(c.get<std::string>());
      }
      has_collections = true;
    } else {
      error = "unknown option or wrong type: '" + key + "'";
      return false;
    }
  }
  if (has_provider && !next.llm_provider.empty()) {
    const auto chains = context_->chains();
    bool found = false;
    std::string names;
    for (const auto &p : chains->llm()->providers()) {
      found = found || p->name == next.llm_provider || p->answers_as == next.llm_provider;
      names += (names.empty() ? "" : ", ") + p->name;
    }
    if (!found) {
      error = "no llm provider is named '" + next.llm_provider + "' (the chain has: " + names + ")";
      return false;
    }
  }
  strand_->post([self = shared_from_this(), next = std::move(next), has_provider, has_tools, has_documents,
                 has_collections]() mutable {
    auto &o = self->options_;
    if (has_provider) o.llm_provider = std::move(next.llm_provider);
    if (has_tools) o.tools = next.tools;
    if (has_documents) o.documents = next.documents;
    if (has_collections) o.collections = std::move(next.collections);
  });
  return true;
}

void Session::receive(Message message) {
  if (turn_) {
    if (context_->settings()->conversation.during_turn == "queue") {
      queued_.push_back(std::move(message));
      return;
    }
    finish_turn(true);
  }
  start_turn(std::move(message));
}

void Session::interrupt() {
  touch();
  cut_turn_.store(current_turn_.load(std::memory_order_acquire), std::memory_order_release);
  strand_->post([self = shared_from_this()] {
    if (!self->closed_) self->stop_turn("interrupt");
  });
}

void Session::stop_turn(const char *reason) {
  queued_.clear();
  if (playback_timer_) {
    playback_timer_->cancel();
    playback_timer_.reset();
  }
  if (turn_) finish_turn(true);
  emit(event::InterruptAck{reason});
  busy_ = false;
  set_state(resting_state());
}

void Session::close() {
  strand_->post([self = shared_from_this()] {
    if (self->closed_) return;
    self->queued_.clear();
    if (self->turn_) self->finish_turn(true);
    for (auto &[n, u] : self->utterances_open_) {
      if (u.call) u.call->cancel();
    }
    self->utterances_open_.clear();
    self->feeding_.reset();
    if (self->playback_timer_) self->playback_timer_->cancel();
    self->observer_.reset();
    self->closed_ = true;
    self->closed_promise_.set_value();
  });
}

bool Session::wait_closed(std::chrono::milliseconds limit) {
  return closed_future_.wait_for(limit) == std::future_status::ready;
}

State Session::resting_state() const {
  return taking_audio_ ? State::listening : State::idle;
}

void Session::set_state(State next) {
  const State before = state_.exchange(next, std::memory_order_acq_rel);
  if (auto *path = path_.load(std::memory_order_acquire)) path->set_speaking(next == State::speaking);
  if (before != next) emit(event::StateChange{before, next});
}

void Session::emit(EventBody body) {
  if (!observer_ || closed_) return;
  observer_->on_event(Event{id_, body});
}

}  // namespace switchboard::conversation
