// WebRTC's voice activity detector, called directly. The library Debian
// packages (libwebrtc-audio-processing) exports this C API (the WebRtcVad_*
// symbols of common_audio/vad/include/webrtc_vad.h) but ships no header for
// it; these are its declarations. AudioProcessing's voice detection runs the
// same detector with the same settings on the same samples (at 16 kHz mono
// nothing is split or mixed before it), around a lock, a copy into its own
// buffers and its other components' checks, and holds a whole processing
// pipeline's state per session.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
struct WebRtcVadInst;
WebRtcVadInst *WebRtcVad_Create(void);
void WebRtcVad_Free(WebRtcVadInst *handle);
int WebRtcVad_Init(WebRtcVadInst *handle);
// 0 (quality) .. 3 (very aggressive); AudioProcessing's likelihood L is mode 3 - L.
int WebRtcVad_set_mode(WebRtcVadInst *handle, int mode);
// 1 voice, 0 none, -1 an error (a rate or length it does not take).
int WebRtcVad_Process(WebRtcVadInst *handle, int rate_hz, const std::int16_t *frame, std::size_t samples);
}
