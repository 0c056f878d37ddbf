// The contract of a streaming call (stt streams, llm chats, tts syntheses):
// exactly one on_done, nothing after it, cancellation from any thread at any
// point, calls at once, a slow consumer, refused input.
#include <future>
#include <thread>

#include "plugin_test/calls.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/streaming_session.hpp"

namespace switchboard::plugin_test {
namespace {

std::string status_name(sb_status s) {
  switch (s) {
    case SB_OK:
      return "SB_OK";
    case SB_RETRYABLE:
      return "SB_RETRYABLE";
    case SB_INVALID_INPUT:
      return "SB_INVALID_INPUT";
    case SB_CANCELLED:
      return "SB_CANCELLED";
    case SB_FATAL:
      return "SB_FATAL";
  }
  return "status " + std::to_string(static_cast<int>(s));
}

Verdict one_on_done(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  std::string seen;
  for (int i = 0; i < 3; ++i) {
    Slot slot;
    Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
    if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
    if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
    end_call(s.instance(), call);
    if (auto p = slot.probe->problems_after(kGrace); !p.empty())
      return fail("call " + std::to_string(i + 1) + ": " + p.front());
    seen = status_name(slot.probe->status());
  }
  return s.verdict(pass("3 calls, one on_done each (" + seen + ")"));
}

Verdict nothing_after_done(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  for (const bool cancel_early : {false, true}) {
    Slot slot;
    Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
    if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
    if (cancel_early) slot.token->cancel();
    if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
    end_call(s.instance(), call);
    if (auto p = slot.probe->problems_after(kGrace * 2); !p.empty()) {
      return fail(std::string(cancel_early ? "a cancelled call: " : "a call: ") + p.front());
    }
  }
  return s.verdict(pass());
}

Verdict start_status(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::invalid);
  if (call.started) {
    if (!slot.probe->wait_done(kCallLimit)) return fail("the call started (SB_OK) but no on_done came");
    end_call(s.instance(), call);
    if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
    return s.verdict(pass("refused through on_done"));
  }
  if (!call.refusal_problem.empty()) return fail("refused, and " + call.refusal_problem);
  if (auto p = slot.probe->problems_after(kGrace * 2); !p.empty()) return fail(p.front());
  if (slot.probe->done_count() > 0 || slot.probe->data_callbacks() > 0) {
    return fail("the call was refused (" + status_name(call.status) + ") and still called back");
  }
  if (call.status == SB_OK) return fail("the start returned SB_OK for a call that never started");
  return s.verdict(pass("refused at the start, no callback"));
}

Verdict cancel_before_start(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  slot.token->cancel();
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) {
    if (!call.refusal_problem.empty()) return fail("refused, and " + call.refusal_problem);
    return s.verdict(pass("refused at the start: " + call.refusal));
  }
  if (!slot.probe->wait_done(kCancelLimit)) {
    return fail("a call started with a cancelled token had no on_done within " + seconds(kCancelLimit));
  }
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  const sb_status st = slot.probe->status();
  if (st != SB_CANCELLED && st != SB_OK) {
    return fail("a cancelled call ended with " + status_name(st) + " (" + slot.probe->error_message() +
                "); cancellation is SB_CANCELLED (not counted)");
  }
  return s.verdict(pass("ended with " + status_name(st)));
}

Verdict cancel_mid_stream(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  std::promise<void> cancelled;
  auto cancelled_done = cancelled.get_future().share();
  std::thread canceller;
  std::atomic<bool> blocked{false};
  std::chrono::steady_clock::time_point cancelled_at{};
  plugin::CancelSource *token = nullptr;
  Probe *probe = nullptr;
  bool ended_first = false;  // on_done had come before the cancel
  const auto cancel_elsewhere = [&] {
    canceller = std::thread([&] {
      ended_first = probe->finished();
      cancelled_at = std::chrono::steady_clock::now();
      token->cancel();
      cancelled.set_value();
    });
  };
  Probe::Options options;
  // Inside the plugin's first callback: cancel from another thread and stay
  // in the callback until cancel() has returned there.
  options.on_first_data = [&] {
    cancel_elsewhere();
    if (cancelled_done.wait_for(kCancelLimit) != std::future_status::ready) {
      blocked = true;
    }
  };
  const bool feeds = subject.kind == SB_KIND_STT;
  Slot slot(feeds ? Probe::Options{} : options);
  token = slot.token;
  probe = slot.probe;
  std::function<void()> midway;
  if (feeds) {
    midway = [&] {
      cancel_elsewhere();
      cancelled_done.wait();
    };
  }
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal, midway);
  if (!call.started) {
    if (canceller.joinable()) canceller.join();
    return skip("the kit's ordinary request was refused: " + call.refusal);
  }
  const bool done = slot.probe->wait_done(kCallLimit);
  if (canceller.joinable()) canceller.join();
  if (blocked) return fail("cancel() on another thread did not return while a callback was running");
  if (!done) return fail("no on_done within " + seconds(kCancelLimit) + " of cancel()");
  const auto took = std::chrono::steady_clock::now() - cancelled_at;
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  if (cancelled_at == std::chrono::steady_clock::time_point{}) {
    return s.verdict(pass("the call ended before its first chunk (" + status_name(slot.probe->status()) + ")"));
  }
  if (took > kCancelLimit) {
    return fail("on_done came " + seconds(std::chrono::duration_cast<std::chrono::milliseconds>(took)) +
                " after cancel(): cancellation is not honoured");
  }
  const sb_status st = slot.probe->status();
  if (ended_first) return s.verdict(pass("the call ended (" + status_name(st) + ") before the cancel came"));
  if (st != SB_CANCELLED && st != SB_OK) {
    return fail("a cancelled call ended with " + status_name(st) + " (" + slot.probe->error_message() + ")");
  }
  return s.verdict(pass("cancelled from another thread mid-stream, ended with " + status_name(st)));
}

Verdict cancel_after_end(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
  if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
  slot.token->cancel();
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  return s.verdict(pass());
}

Verdict one_callback_at_a_time(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Probe::Options options;
  options.callback_time = std::chrono::milliseconds(2);
  Slot slot(options);
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
  if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  return s.verdict(pass(std::to_string(slot.probe->data_callbacks()) + " callbacks, one at a time"));
}

Verdict concurrent_calls(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  constexpr int kThreads = 8, kEach = 3;
  std::mutex mutex;
  std::string first_problem;
  int ended = 0;
  const auto note = [&](const std::string &p) {
    std::lock_guard lock(mutex);
    if (first_problem.empty()) first_problem = p;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Probe::Options options;
        options.callback_time = std::chrono::microseconds(200);
        Slot slot(options);
        Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
        if (!call.started) {
          note("a call was refused: " + call.refusal);
          continue;
        }
        if (!slot.probe->wait_done(kCallLimit)) {
          note("a call had no on_done within " + seconds(kCallLimit));
          continue;
        }
        end_call(s.instance(), call);
        if (auto p = slot.probe->problems_after(std::chrono::milliseconds(20)); !p.empty()) note(p.front());
        std::lock_guard lock(mutex);
        ++ended;
      }
    });
  }
  for (auto &t : threads) t.join();
  if (auto p = s.instance().host().violations(); !p.empty()) return fail(p.front());
  if (!first_problem.empty()) return fail(first_problem);
  return s.verdict(pass(std::to_string(ended) + " calls on " + std::to_string(kThreads) + " threads at once"));
}

Verdict slow_consumer(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  sb_status fast = SB_OK;
  {
    Slot slot;
    Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
    if (!call.started) return skip("the kit's ordinary request was refused: " + call.refusal);
    if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
    end_call(s.instance(), call);
    fast = slot.probe->status();
  }
  Probe::Options options;
  options.callback_time = std::chrono::milliseconds(25);
  Slot slot(options);
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::normal);
  if (!call.started) return fail("refused when called again: " + call.refusal);
  if (!slot.probe->wait_done(kCallLimit * 2)) {
    return fail("with callbacks taking 25 ms each, no on_done within " + seconds(kCallLimit * 2));
  }
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  if (slot.probe->status() != fast) {
    return fail("a slow consumer got " + status_name(slot.probe->status()) + " (" + slot.probe->error_message() +
                ") where a fast one got " + status_name(fast));
  }
  return s.verdict(pass(std::to_string(slot.probe->data_callbacks()) + " callbacks of 25 ms, " + status_name(fast)));
}

Verdict invalid_input(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Slot slot;
  Call call = start_call(s.instance(), *slot.probe, slot.token->token(), Input::invalid);
  const std::string what = subject.kind == SB_KIND_STT ? "a stream at 8000 Hz" : "options that are not JSON";
  if (!call.started) {
    if (call.threw) return fail(what + ": " + call.refusal);
    if (call.status != SB_INVALID_INPUT) return fail(what + " was refused with " + status_name(call.status));
    if (!call.refusal_problem.empty()) return fail(what + " was refused, and " + call.refusal_problem);
    return s.verdict(pass("refused: " + call.refusal));
  }
  if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
  end_call(s.instance(), call);
  if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
  if (slot.probe->status() != SB_INVALID_INPUT) {
    return fail(what + " ended with " + status_name(slot.probe->status()) + ", not SB_INVALID_INPUT");
  }
  return s.verdict(pass("on_done(SB_INVALID_INPUT): " + slot.probe->error_message()));
}

Verdict error_messages(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  int messages = 0;
  for (const bool cancelled : {false, true}) {
    Slot slot;
    if (cancelled) slot.token->cancel();
    Call call = start_call(s.instance(), *slot.probe, slot.token->token(), cancelled ? Input::normal : Input::invalid);
    if (!call.started) {
      if (!call.refusal_problem.empty()) return fail(call.refusal_problem);
      ++messages;
      continue;
    }
    if (!slot.probe->wait_done(kCallLimit)) return fail("no on_done within " + seconds(kCallLimit));
    end_call(s.instance(), call);
    if (auto p = slot.probe->problems_after(kGrace); !p.empty()) return fail(p.front());
    if (slot.probe->status() != SB_OK) ++messages;
  }
  return s.verdict(pass(std::to_string(messages) + " error messages, each NUL-terminated UTF-8"));
}

struct Clause {
  int line;
  const char *quote;
};

// The same rule in each kind's header: 0 one on_done, 1 callbacks' life,
// 2 a refused start, 3 one callback at a time, 4 calls at once.
Check cite(Check c, sb_plugin_kind kind, int which) {
  static const Clause llm[] = {{67, "Exactly once, last. error is NULL on SB_OK."},
                               {58, "Valid from chat() until on_done has returned."},
                               {82, "status: nothing started, no callback comes, err says why."},
                               {59, "thread but never two at once for one call."},
                               {80, "[any-thread, non-blocking] Starts a completion."}};
  static const Clause tts[] = {{31, "Exactly once, last. error is NULL on SB_OK."},
                               {24, "Valid from synthesize() until on_done has returned."},
                               {49, "sb_llm_vtable.chat."},
                               {25, "any thread but never two at once for one call."},
                               {48, "[any-thread, non-blocking] Starts synthesis; same contract as"}};
  static const Clause stt[] = {{32, "Exactly once per stream, last"},
                               {23, "Valid from open() until on_done has returned."},
                               {40, "Returns NULL and fills err when it cannot; then no callback comes."},
                               {24, "thread but never two at once for one stream."},
                               {39, "[any-thread, may block briefly, e.g. to take a pooled decoder] Opens a"}};
  const Clause *table = kind == SB_KIND_LLM ? llm : kind == SB_KIND_TTS ? tts : stt;
  c.header = kind == SB_KIND_LLM ? "llm.h" : kind == SB_KIND_TTS ? "tts.h" : "stt.h";
  c.line = table[which].line;
  c.quote = table[which].quote;
  return c;
}

}  // namespace

std::vector<Check> streaming_checks(sb_plugin_kind kind) {
  return {
      cite({"one_on_done", "", 0, "", &one_on_done}, kind, 0),
      cite({"nothing_after_done", "", 0, "", &nothing_after_done}, kind, 1),
      cite({"start_status", "", 0, "", &start_status}, kind, 2),
      {"cancel_before_start", "abi.h", 81, "or at once on this thread if it already is.", &cancel_before_start},
      {"cancel_mid_stream", "abi.h", 80, "[any-thread, non-blocking] Calls fn(user) once when the call is cancelled,",
       &cancel_mid_stream},
      {"cancel_after_end", "abi.h", 72, "The token stays valid", &cancel_after_end},
      cite({"one_callback_at_a_time", "", 0, "", &one_callback_at_a_time}, kind, 3),
      cite({"concurrent_calls", "", 0, "", &concurrent_calls}, kind, 4),
      cite({"slow_consumer", "", 0, "", &slow_consumer}, kind, 0),
      {"invalid_input", "abi.h", 35, "The request's own fault (bad audio, unknown voice).", &invalid_input},
      {"error_messages", "abi.h", 45, "The callee writes a NUL-terminated UTF-8 message", &error_messages},
  };
}

}  // namespace switchboard::plugin_test
