// Turns a C++ class into a plugin: SWITCHBOARD_PLUGIN(Class, id, version,
// description) exports the entry symbol. The bridge below catches every
// exception at the boundary and turns it into a status.
//
// The class derives from one of Stt, Llm, Tts, Cache or Transport, has a
// constructor taking `switchboard::sdk::Host &`, and may declare
//   static void validate(const nlohmann::json &config, ConfigErrors &errors);
// to check its `config:` block for `switchboard check`.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "switchboard/sdk/cache.hpp"
#include "switchboard/sdk/config.hpp"
#include "switchboard/sdk/host.hpp"
#include "switchboard/sdk/llm.hpp"
#include "switchboard/sdk/status.hpp"
#include "switchboard/sdk/stt.hpp"
#include "switchboard/sdk/transport.hpp"
#include "switchboard/sdk/tts.hpp"

namespace switchboard::sdk::detail {

template <class T>
struct Instance {
  explicit Instance(const sb_host *raw) : host(raw) {}
  Host host;
  std::unique_ptr<T> object;
};

template <class T>
T &object_of(void *instance) {
  return *static_cast<Instance<T> *>(instance)->object;
}

template <class T>
const Host &host_of(void *instance) {
  return static_cast<Instance<T> *>(instance)->host;
}

// Reports an exception on a call that has started: through the sink if it is
// still open, otherwise to the log.
template <class T, class Sink>
void report_in_call(void *instance, Sink &sink) {
  const Outcome outcome = outcome_of_current_exception();
  if (!sink.fail(outcome)) {
    try {
      host_of<T>(instance).error("exception after the call ended: " + outcome.message);
    } catch (...) {
    }
  }
}

template <class T, class = void>
struct has_validate : std::false_type {};
template <class T>
struct has_validate<
    T, std::void_t<decltype(T::validate(std::declval<const nlohmann::json &>(), std::declval<ConfigErrors &>()))>>
    : std::true_type {};

template <class T>
sb_status validate_config(const char *config_json, sb_config_report report) noexcept {
  ConfigErrors errors(report);
  try {
    T::validate(nlohmann::json::parse(config_json != nullptr ? config_json : "{}"), errors);
  } catch (...) {
    errors.add("", outcome_of_current_exception().message);
  }
  return errors.empty() ? SB_OK : SB_INVALID_INPUT;
}

template <class T>
constexpr auto validator() -> sb_status (*)(const char *, sb_config_report) {
  if constexpr (has_validate<T>::value) {
    return &validate_config<T>;
  } else {
    return nullptr;
  }
}

template <class T>
void *create(const sb_host *host, sb_error *err) noexcept {
  try {
    auto instance = std::make_unique<Instance<T>>(host);
    instance->object = std::make_unique<T>(instance->host);
    return instance.release();
  } catch (...) {
    outcome_of_current_exception().fill(err);
    return nullptr;
  }
}

template <class T>
void destroy(void *instance) noexcept {
  delete static_cast<Instance<T> *>(instance);
}

// The ABI 1.5 fields of a request from a host that has them.
inline void read_tools_and_passages(const sb_llm_request &request, LlmRequest &req) {
  auto has = [&](std::size_t end) { return request.struct_size >= end; };
  if (has(offsetof(sb_llm_request, tools_json) + sizeof request.tools_json) && request.tools_json != nullptr) {
    req.tools = nlohmann::json::parse(request.tools_json);
    if (has(offsetof(sb_llm_request, message_tools_json) + sizeof request.message_tools_json) &&
        request.message_tools_json != nullptr) {
      for (size_t i = 0; i < req.messages.size(); ++i) {
        if (request.message_tools_json[i] == nullptr) continue;
        const auto extra = nlohmann::json::parse(request.message_tools_json[i]);
        Message &m = req.messages[i];
        for (const auto &call : extra.value("tool_calls", nlohmann::json::array())) {
          m.tool_calls.push_back({call.value("id", ""), call.value("name", ""), call.value("arguments", "{}")});
        }
        m.tool_call_id = extra.value("tool_call_id", "");
        m.name = extra.value("name", "");
      }
    }
  }
  if (has(offsetof(sb_llm_request, passage_count) + sizeof request.passage_count)) {
    for (size_t i = 0; i < request.passage_count; ++i) {
      const sb_llm_passage &p = request.passages[i];
      req.passages.push_back({p.source != nullptr ? p.source : "", p.text != nullptr ? p.text : "", p.score});
    }
  }
}

template <class T>
struct LlmBridge {
  static sb_status chat(void *instance, const sb_llm_request *request, const sb_llm_callbacks *callbacks,
                        const sb_cancel_token *cancel, sb_error *err) noexcept {
    LlmSink sink(*callbacks);
    LlmRequest req;
    try {
      req.messages.reserve(request->message_count);
      for (size_t i = 0; i < request->message_count; ++i) {
        const sb_llm_message &m = request->messages[i];
        req.messages.emplace_back(m.role != nullptr ? m.role : "", m.content != nullptr ? m.content : "");
      }
      req.model = request->model != nullptr ? request->model : "";
      if (request->temperature >= 0) req.temperature = request->temperature;
      if (request->max_tokens > 0) req.max_tokens = request->max_tokens;
      if (request->options_json != nullptr) req.options = nlohmann::json::parse(request->options_json);
      read_tools_and_passages(*request, req);
    } catch (...) {
      sink.state().abandon();
      outcome_of_current_exception().fill(err);
      return SB_INVALID_INPUT;
    }
    try {
      object_of<T>(instance).chat(req, sink, CancelToken(cancel));
    } catch (...) {
      report_in_call<T>(instance, sink);
    }
    return SB_OK;
  }

  static const sb_llm_vtable *vtable() {
    static const sb_llm_vtable table{sizeof(sb_llm_vtable), &chat};
    return &table;
  }
};

template <class T>
struct TtsBridge {
  static void write_to(sb_sink sink, const std::string &text) { sink.write(sink.user, text.data(), text.size()); }

  static sb_status list_voices(void *instance, sb_sink json_out, sb_error *err) noexcept {
    try {
      write_to(json_out, nlohmann::json(object_of<T>(instance).voices()).dump());
      return SB_OK;
    } catch (...) {
      const Outcome outcome = outcome_of_current_exception();
      outcome.fill(err);
      return static_cast<sb_status>(outcome.status);
    }
  }

  static sb_status synthesize(void *instance, const sb_tts_request *request, const sb_tts_callbacks *callbacks,
                              const sb_cancel_token *cancel, sb_error *err) noexcept {
    TtsSink sink(*callbacks);
    TtsRequest req;
    try {
      req.text = request->text != nullptr ? request->text : "";
      req.voice = request->voice != nullptr ? request->voice : "";
      req.sample_rate = request->sample_rate;
      if (request->options_json != nullptr) req.options = nlohmann::json::parse(request->options_json);
    } catch (...) {
      sink.state().abandon();
      outcome_of_current_exception().fill(err);
      return SB_INVALID_INPUT;
    }
    try {
      object_of<T>(instance).synthesize(req, sink, CancelToken(cancel));
    } catch (...) {
      report_in_call<T>(instance, sink);
    }
    return SB_OK;
  }

  static const sb_tts_vtable *vtable() {
    static const sb_tts_vtable table{sizeof(sb_tts_vtable), &list_voices, &synthesize};
    return &table;
  }
};

template <class T>
struct SttBridge {
  struct Stream {
    std::unique_ptr<SttStream> impl;
    SttSink sink;
    void *instance;
  };

  static void *open(void *instance, const sb_stt_options *options, const sb_stt_callbacks *callbacks,
                    const sb_cancel_token *cancel, sb_error *err) noexcept {
    SttSink sink(*callbacks);
    try {
      if (options->sample_rate != SB_STT_SAMPLE_RATE) {
        throw Error(Status::invalid_input, "audio at " + std::to_string(options->sample_rate) +
                                               " Hz; speech-to-text takes " + std::to_string(SB_STT_SAMPLE_RATE) +
                                               " Hz (SB_STT_SAMPLE_RATE)");
      }
      SttOptions opts;
      opts.sample_rate = options->sample_rate;
      opts.language = options->language != nullptr ? options->language : "";
      auto impl = object_of<T>(instance).open(opts, sink, CancelToken(cancel));
      if (!impl) {
        throw Error(Status::fatal, "the plugin opened no stream");
      }
      return new Stream{std::move(impl), sink, instance};
    } catch (...) {
      sink.state().abandon();
      outcome_of_current_exception().fill(err);
      return nullptr;
    }
  }

  static sb_status feed(void *stream, const std::int16_t *samples, size_t count) noexcept {
    auto *s = static_cast<Stream *>(stream);
    try {
      s->impl->feed(samples, count);
      return SB_OK;
    } catch (...) {
      report_in_call<T>(s->instance, s->sink);
      return SB_FATAL;
    }
  }

  static void finish(void *stream) noexcept {
    auto *s = static_cast<Stream *>(stream);
    try {
      s->impl->finish();
    } catch (...) {
      report_in_call<T>(s->instance, s->sink);
    }
  }

  static void close(void *stream) noexcept { delete static_cast<Stream *>(stream); }

  static const sb_stt_vtable *vtable() {
    static const sb_stt_vtable table{sizeof(sb_stt_vtable), &open, &feed, &finish, &close};
    return &table;
  }
};

template <class T>
struct CacheBridge {
  template <class Fn>
  static sb_status guarded(sb_error *err, Fn &&fn) noexcept {
    try {
      fn();
      return SB_OK;
    } catch (...) {
      const Outcome outcome = outcome_of_current_exception();
      outcome.fill(err);
      return static_cast<sb_status>(outcome.status);
    }
  }

  static sb_status get(void *instance, const char *key, size_t key_size, sb_sink out, bool *found,
                       sb_error *err) noexcept {
    return guarded(err, [&] {
      auto value = object_of<T>(instance).get(std::string_view(key, key_size));
      *found = value.has_value();
      if (value) out.write(out.user, value->data(), value->size());
    });
  }
  static sb_status put(void *instance, const char *key, size_t key_size, const char *value, size_t value_size,
                       std::uint32_t ttl_seconds, sb_error *err) noexcept {
    return guarded(err, [&] {
      object_of<T>(instance).put(std::string_view(key, key_size), std::string_view(value, value_size),
                                 std::chrono::seconds(ttl_seconds));
    });
  }
  static sb_status erase(void *instance, const char *key, size_t key_size, sb_error *err) noexcept {
    return guarded(err, [&] { object_of<T>(instance).erase(std::string_view(key, key_size)); });
  }
  static sb_status clear(void *instance, sb_error *err) noexcept {
    return guarded(err, [&] { object_of<T>(instance).clear(); });
  }
  static sb_status stats(void *instance, sb_sink out, sb_error *err) noexcept {
    return guarded(err, [&] {
      const std::string text = object_of<T>(instance).stats().dump();
      out.write(out.user, text.data(), text.size());
    });
  }

  static const sb_cache_vtable *vtable() {
    static const sb_cache_vtable table{sizeof(sb_cache_vtable), &get, &put, &erase, &clear, &stats};
    return &table;
  }
};

template <class T>
struct TransportBridge {
  static sb_status start(void *instance, const char *listen, sb_sink bound_out, sb_error *err) noexcept {
    try {
      const std::string bound = object_of<T>(instance).start(listen != nullptr ? listen : "");
      bound_out.write(bound_out.user, bound.data(), bound.size());
      return SB_OK;
    } catch (...) {
      const Outcome outcome = outcome_of_current_exception();
      outcome.fill(err);
      return static_cast<sb_status>(outcome.status);
    }
  }
  static void stop(void *instance) noexcept {
    try {
      object_of<T>(instance).stop();
    } catch (...) {
      try {
        host_of<T>(instance).error("stop threw: " + outcome_of_current_exception().message);
      } catch (...) {
      }
    }
  }

  static sb_status reconfigure(void *instance, const char *config_json, std::size_t size, sb_error *err) noexcept {
    try {
      object_of<T>(instance).reconfigure(nlohmann::json::parse(std::string_view(config_json, size)));
      return SB_OK;
    } catch (...) {
      const Outcome outcome = outcome_of_current_exception();
      outcome.fill(err);
      return static_cast<sb_status>(outcome.status);
    }
  }

  static const sb_transport_vtable *vtable() {
    static const sb_transport_vtable table{sizeof(sb_transport_vtable), &start, &stop, &reconfigure};
    return &table;
  }
};

template <class T>
constexpr sb_plugin_kind kind_of() {
  if constexpr (std::is_base_of_v<Stt, T>) {
    return SB_KIND_STT;
  } else if constexpr (std::is_base_of_v<Llm, T>) {
    return SB_KIND_LLM;
  } else if constexpr (std::is_base_of_v<Tts, T>) {
    return SB_KIND_TTS;
  } else if constexpr (std::is_base_of_v<Cache, T>) {
    return SB_KIND_CACHE;
  } else {
    static_assert(std::is_base_of_v<Transport, T>, "a plugin derives from Stt, Llm, Tts, Cache or Transport");
    return SB_KIND_TRANSPORT;
  }
}

template <class T>
const void *vtable_of() {
  constexpr sb_plugin_kind kind = kind_of<T>();
  if constexpr (kind == SB_KIND_STT) {
    return SttBridge<T>::vtable();
  } else if constexpr (kind == SB_KIND_LLM) {
    return LlmBridge<T>::vtable();
  } else if constexpr (kind == SB_KIND_TTS) {
    return TtsBridge<T>::vtable();
  } else if constexpr (kind == SB_KIND_CACHE) {
    return CacheBridge<T>::vtable();
  } else {
    return TransportBridge<T>::vtable();
  }
}

template <class T>
const sb_plugin_descriptor *descriptor(const char *id, const char *version, const char *description) {
  static const sb_plugin_descriptor d{
      sizeof(sb_plugin_descriptor),
      SB_ABI_MAJOR,
      SB_ABI_MINOR,
      id,
      kind_of<T>(),
      version,
      description,
      validator<T>(),
      &create<T>,
      &destroy<T>,
      vtable_of<T>(),
  };
  return &d;
}

}  // namespace switchboard::sdk::detail

#define SWITCHBOARD_PLUGIN(Class, id, version, description)                               \
  extern "C" SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(void) {       \
    return ::switchboard::sdk::detail::descriptor<Class>((id), (version), (description)); \
  }
