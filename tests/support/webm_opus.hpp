// Recordings as a browser's MediaRecorder sends them: Opus at 48 kHz in a
// live (unseekable) WebM stream, encoded by libopus through libavformat.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace switchboard::test {

// Mono samples at `rate` Hz, resampled to 48 kHz and encoded in 20 ms Opus
// frames at `bitrate` bits a second, as the messages a recorder with a
// `timeslice_ms` timer sends: each holds what the muxer wrote while that
// much audio was encoded (the first one the header too). Empty, with
// `error` set, on failure.
std::vector<std::string> webm_opus_chunks(std::span<const std::int16_t> samples, int rate, int bitrate,
                                          int timeslice_ms, std::string &error);

// The same as one recording.
std::string webm_opus(std::span<const std::int16_t> samples, int rate, int bitrate, std::string &error);

}  // namespace switchboard::test
