#include "switchboard/server/turn_runner.hpp"

#include <atomic>
#include <mutex>

#include "switchboard/server/speech_out.hpp"

namespace switchboard::server {

namespace {

// One turn's state, shared by the line's job, the session's callbacks and
// whoever may stop it.
struct Running {
  std::mutex mutex;
  std::shared_ptr<SessionTurn> turn;
  std::function<void()> over;  // the line's
  bool stopped = false;
  std::atomic<bool> finished{false};

  // Once: the line moves on.
  void finish() {
    if (finished.exchange(true)) return;
    std::function<void()> f;
    {
      std::lock_guard lock(mutex);
      f.swap(over);
    }
    if (f) f();
  }
};

int status_of(const std::string &code) {
  if (code == "bad_audio" || code == "empty_message") return 400;
  if (code == "nothing_heard") return 422;
  if (code == "replaced") return 409;
  return 500;
}

}  // namespace

std::function<void()> TurnRunner::run(const std::string &session_id, const Identity &who, TurnInput in, TurnOutput out,
                                      std::function<void()> *interrupt) {
  auto running = std::make_shared<Running>();
  const std::uint32_t rate = rate_;
  line_.run(session_id, [this, running, session_id, who, in = std::move(in), out, rate](std::function<void()> over) {
    bool stopped = false;
    {
      std::lock_guard lock(running->mutex);
      running->over = std::move(over);
      stopped = running->stopped;
    }
    if (stopped) {
      running->finish();
      return;
    }
    TurnHandlers h;
    h.text = out.text;
    h.heard = out.heard;
    h.transcript = out.transcript;
    h.tool = out.tool;
    h.audio = [out, rate](const std::int16_t *samples, std::size_t count, std::uint32_t at) {
      if (out.audio) out.audio(wav_at(samples, count, at, rate));
      if (out.samples) out.samples(resampled(samples, count, at, rate));
    };
    h.unspoken = out.unspoken;
    std::weak_ptr<Running> weak = running;
    h.done = [out, weak](const nlohmann::json &complete) {
      if (out.done) out.done(complete);
      if (auto r = weak.lock()) r->finish();
    };
    h.failed = [out, weak](const std::string &code, const std::string &message) {
      if (out.failed) out.failed(status_of(code), message);
      if (auto r = weak.lock()) r->finish();
    };
    std::string error;
    auto turn = SessionTurn::open(sessions_, session_id, who, std::move(h), error);
    if (!turn) {
      if (out.failed) out.failed(error == "owned" ? 404 : 500, error == "owned" ? "Session not found" : error);
      running->finish();
      return;
    }
    {
      std::lock_guard lock(running->mutex);
      running->turn = turn;
    }
    if (!in.voice.empty()) turn->set_voice(in.voice);
    if (!in.options.is_null() && !turn->configure(in.options, error)) {
      turn->cancel();
      if (out.failed) out.failed(400, error);
      running->finish();
      return;
    }
    if (!in.audio.empty()) {
      if (!turn->hear(in.audio, in.declared_rate != 0 ? in.declared_rate : rate, error)) {
        turn->cancel();
        if (out.failed) out.failed(400, "Invalid audio: " + error);
        running->finish();
      }
    } else {
      turn->say(in.text, in.speak);
    }
  });
  const auto stop = [running](bool answer_too) {
    std::shared_ptr<SessionTurn> turn;
    bool started = false;
    {
      std::lock_guard lock(running->mutex);
      running->stopped = true;
      turn = running->turn;
      started = static_cast<bool>(running->over);
    }
    if (turn && answer_too) turn->interrupt();
    if (turn) turn->cancel();
    // Mid-turn, the line moves on now; before its place came, the job
    // moves it on when it starts.
    if (started) running->finish();
  };
  if (interrupt != nullptr) *interrupt = [stop] { stop(true); };
  return [stop] { stop(false); };
}

void ClientTurns::run(TurnRunner &runner, const std::string &session_id, const Identity &who, TurnInput in,
                      TurnOutput out) {
  auto over = std::make_shared<std::atomic<bool>>(false);
  auto done = std::move(out.done);
  out.done = [over, done](const nlohmann::json &complete) {
    over->store(true);
    if (done) done(complete);
  };
  auto failed = std::move(out.failed);
  out.failed = [over, failed](int status, const std::string &message) {
    over->store(true);
    if (failed) failed(status, message);
  };
  std::function<void()> interrupt;
  auto stop = runner.run(session_id, who, std::move(in), std::move(out), &interrupt);
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      std::erase_if(started_, [](const Started &t) { return t.over->load(); });
      started_.push_back({std::move(over), std::move(stop), std::move(interrupt)});
      return;
    }
  }
  stop();  // not under the lock: an output that sends may be running
}

void ClientTurns::stop_all() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  stop(false);
}

void ClientTurns::stop(bool answers_too) {
  std::vector<Started> started;
  {
    std::lock_guard lock(mutex_);
    started.swap(started_);
  }
  for (auto &turn : started) (answers_too ? turn.interrupt : turn.stop)();
}

}  // namespace switchboard::server
