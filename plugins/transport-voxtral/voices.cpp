#include "voices.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "switchboard/server/ext_call.hpp"

namespace voxtral {

std::vector<std::string> Voices::list() const {
  std::vector<std::string> out;
  if (providers_ == nullptr) return out;
  switchboard::server::SinkText text;
  switchboard::server::ExtError f;
  if (providers_->view(providers_->ctx, text.sink(), &f.error) != SB_OK) return out;
  const auto view = nlohmann::json::parse(text.value, nullptr, false);
  if (!view.is_object()) return out;
  const auto chain = view.value("providers", nlohmann::json::object()).value("tts", nlohmann::json::object());
  for (const auto &p : chain.value("providers", nlohmann::json::array())) {
    for (const auto &v : p.value("voices", nlohmann::json::array())) {
      if (v.is_string() && std::find(out.begin(), out.end(), v.get<std::string>()) == out.end()) out.push_back(v);
    }
  }
  return out;
}

std::string Voices::default_of(const std::vector<std::string> &all) const {
  if (!preferred_.empty() && (all.empty() || std::find(all.begin(), all.end(), preferred_) != all.end())) {
    return preferred_;
  }
  return all.empty() ? std::string() : all.front();
}

std::string Voices::resolve(const std::string &asked, bool &known) const {
  const auto all = list();
  known = asked.empty() || std::find(all.begin(), all.end(), asked) != all.end();
  return !asked.empty() && known ? asked : default_of(all);
}

}  // namespace voxtral
