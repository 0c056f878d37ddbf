// The JavaScript client example of ../shared/apis/conversational.md, run in
// Node as the document writes it except for its URL, with a recording as
// its microphone and a counter as its speaker.
//
// The example connects, starts a conversation, logs transcripts and
// answers and plays each answer's audio; it leaves playAudio to the page
// and calls to sendAudioChunk to the recorder. Here playAudio checks and
// counts the WAV it is given, the recorder calls the example's own
// sendAudioChunk with 100 ms WAV chunks (16 kHz mono, as documented) once
// the conversation has started, and the run ends after the first answer.
// The example's code is read from the document at run time.
//
//   node client.mjs API_DOC WS_URL RECORDING.wav
//
// Prints one JSON line with what the example logged and played; exits 0
// when it completed a turn.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import vm from 'node:vm'

// Node's own WebSocket where it has one (22, or 20 with
// --experimental-websocket), else the `ws` package (Debian's node-ws,
// found through NODE_PATH).
const NodeWebSocket = globalThis.WebSocket ?? createRequire(import.meta.url)('ws')

const [doc, url, recording] = process.argv.slice(2)
const example = readFileSync(doc, 'utf8')
  .split('### JavaScript Client Example')[1]
  .split('```javascript\n')[1]
  .split('```')[0]
  .replace('ws://localhost:8000/ws', url)

const summary = { logged: [], played: [], error: null }
const done = (code) => {
  process.stdout.write(JSON.stringify(summary) + '\n')
  process.exit(code)
}
setTimeout(() => done(1), 60000)
console.log = (...args) => summary.logged.push(args.join(' '))

// The page's speaker: the format of each answer's audio.
globalThis.playAudio = (data) => {
  const wav = Buffer.from(data ?? '', 'base64')
  summary.played.push(wav.subarray(0, 4).toString() === 'RIFF'
    ? { rate: wav.readUInt32LE(24), channels: wav.readUInt16LE(22), bits: wav.readUInt16LE(34), bytes: wav.length }
    : { bytes: wav.length })
}

// The recording as the documented input: one WAV file per 100 ms, then a
// second of silence (the speaker stops, the turn ends).
function wavChunks (path) {
  const file = readFileSync(path)
  const data = file.indexOf('data')
  const pcm = Buffer.concat([file.subarray(data + 8, data + 8 + file.readUInt32LE(data + 4)), Buffer.alloc(32000)])
  const chunks = []
  for (let at = 0; at < pcm.length; at += 3200) {
    const body = pcm.subarray(at, at + 3200)
    const header = Buffer.alloc(44)
    header.write('RIFF', 0); header.writeUInt32LE(36 + body.length, 4); header.write('WAVE', 8)
    header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22)
    header.writeUInt32LE(16000, 24); header.writeUInt32LE(32000, 28); header.writeUInt16LE(2, 32)
    header.writeUInt16LE(16, 34); header.write('data', 36); header.writeUInt32LE(body.length, 40)
    chunks.push(Buffer.concat([header, body]).toString('base64'))
  }
  return chunks
}

// The socket the example opens, watched: it speaks once the conversation
// starts and the run ends once the example has handled an answer.
globalThis.WebSocket = class extends NodeWebSocket {
  constructor (...args) {
    super(...args)
    this.addEventListener('error', (e) => { summary.error = String(e.message ?? e.type); done(1) })
    this.addEventListener('message', (event) => {
      const type = JSON.parse(event.data).type
      if (type === 'conversation_started') {
        const chunks = wavChunks(recording)
        const timer = setInterval(() => {
          if (chunks.length === 0) return clearInterval(timer)
          globalThis.sendAudioChunk(chunks.shift())  // the example's own function
        }, 20)  // five times real time
      }
      if (type === 'ai_response') setTimeout(() => done(0))  // after the example's own handler
    })
  }
}

vm.runInThisContext(example, { filename: 'conversational.md: JavaScript Client Example' })
