#include "plugin/cache_client.hpp"

#include "plugin/outcome.hpp"
#include "switchboard/cache.h"

namespace switchboard::plugin {
namespace {

sdk::Outcome result(sb_status status, const sb_error &err) {
  return status == SB_OK ? sdk::Outcome{} : outcome_of(status, &err);
}

}  // namespace

sdk::Outcome CacheClient::get(std::string_view key, std::optional<std::string> &value) const {
  std::string out;
  bool found = false;
  sb_error err = empty_error();
  const sb_status status =
      cache_.vtable<sb_cache_vtable>().get(cache_.handle(), key.data(), key.size(), string_sink(out), &found, &err);
  value = (status == SB_OK && found) ? std::optional<std::string>(std::move(out)) : std::nullopt;
  return result(status, err);
}

sdk::Outcome CacheClient::put(std::string_view key, std::string_view value, std::uint32_t ttl_seconds) const {
  sb_error err = empty_error();
  return result(cache_.vtable<sb_cache_vtable>().put(cache_.handle(), key.data(), key.size(), value.data(),
                                                     value.size(), ttl_seconds, &err),
                err);
}

sdk::Outcome CacheClient::erase(std::string_view key) const {
  sb_error err = empty_error();
  return result(cache_.vtable<sb_cache_vtable>().erase(cache_.handle(), key.data(), key.size(), &err), err);
}

sdk::Outcome CacheClient::clear() const {
  sb_error err = empty_error();
  return result(cache_.vtable<sb_cache_vtable>().clear(cache_.handle(), &err), err);
}

sdk::Outcome CacheClient::stats(nlohmann::json &out) const {
  std::string text;
  sb_error err = empty_error();
  const sb_status status = cache_.vtable<sb_cache_vtable>().stats(cache_.handle(), string_sink(text), &err);
  if (status != SB_OK) {
    return outcome_of(status, &err);
  }
  out = nlohmann::json::parse(text, nullptr, false);
  if (!out.is_object()) {
    return {sdk::Status::fatal, "the plugin's stats are not a JSON object", 0};
  }
  return {};
}

}  // namespace switchboard::plugin
