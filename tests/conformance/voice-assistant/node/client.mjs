// The "Complete Voice Session Flow" of ../shared/apis/voice-assistant.md,
// run in Node: the same calls in the same order, with a recording in place
// of the microphone and a counter in place of the speaker.
//
//   node client.mjs http://127.0.0.1:PORT recording.wav
//
// Prints one JSON line with what happened; exits 0 when the turn completed.
import { readFileSync } from 'node:fs'
import { webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'

// The browser's globals: Node's own WebSocket where it has one (22, or 20
// with --experimental-websocket), else the `ws` package: Debian's node-ws
// (found through NODE_PATH) or the one npm installed beside this file.
const WebSocket = globalThis.WebSocket ?? createRequire(import.meta.url)('ws')
globalThis.crypto ??= webcrypto

const [base, recording] = process.argv.slice(2)
const host = new URL(base).host
const summary = { user_id: null, states: [], transcripts: [], audio_chunks: 0 }
const done = (code) => {
  console.log(JSON.stringify(summary))
  process.exit(code)
}
setTimeout(() => done(1), 60000)

// The browser's pieces, for Node: playback counts chunks; the "recorder"
// hands out 100 ms of the recording at a time, as MediaRecorder.start(100) would.
const playAudio = (data) => {
  if (Buffer.from(data, 'base64').subarray(0, 4).toString() === 'RIFF') summary.audio_chunks++
}
const wav = readFileSync(recording)
const pcm = Buffer.concat([wav.subarray(wav.indexOf('data') + 8), Buffer.alloc(32000)])  // + 1 s of silence

// 1. Get auth token
const authResponse = await fetch(`${base}/auth/token`, { method: 'POST' })
const { token, user_id } = await authResponse.json()
summary.user_id = user_id
if (!token) done(1)

// 2. Connect WebSocket
const sessionId = crypto.randomUUID()
const ws = new WebSocket(`ws://${host}/voice/${sessionId}`)

// 3. Handle messages
let spoke = false
ws.onmessage = (event) => {
  const message = JSON.parse(event.data)

  switch (message.type) {
    case 'state_change':
      summary.states.push(message.state)
      if (message.state === 'speaking') spoke = true
      if (message.state === 'listening' && spoke) {
        // 6. Disconnect
        ws.close()
        done(0)
      }
      break
    case 'transcript_update':
      if (message.data.is_final) summary.transcripts.push(`${message.data.speaker}: ${message.data.text}`)
      break
    case 'audio':
      // Play audio
      playAudio(message.data)
      break
  }
}

// 4. Send audio
ws.onopen = () => {
  for (let at = 0; at < pcm.length; at += 3200) {
    const chunk = pcm.subarray(at, at + 3200)
    ws.send(JSON.stringify({
      type: 'audio',
      data: btoa(chunk.toString('latin1'))
    }))
  }
}
ws.onerror = (e) => {
  summary.error = String(e.message)
  done(1)
}

// 5. Barge-in
function interrupt() {
  ws.send(JSON.stringify({ type: 'interrupt' }))
}
void interrupt
