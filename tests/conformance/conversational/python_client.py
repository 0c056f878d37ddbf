"""The Python client example of ../shared/apis/conversational.md, run as the
document writes it except for its URL, with a recording as its microphone.

The example starts a conversation and prints what it hears, but leaves
speaking to the reader. websockets.connect is wrapped so that the
connection the example opens also speaks the recording (100 ms WAV chunks,
16 kHz mono, as documented) once the conversation has started, and ends
its message loop after the first ai_response. The example's own code runs
unchanged: it is read from the document at run time.

usage: python3 python_client.py API_DOC WS_URL RECORDING.wav
Prints what the example printed; exits 0 when it completes.
"""
import asyncio
import base64
import io
import json
import re
import signal
import sys
import wave

import websockets

doc, url, recording = sys.argv[1:4]
signal.alarm(60)  # a run that hangs fails instead

with open(doc, encoding="utf-8") as f:
    text = f.read()
example = re.search(r"### Python Client Example\s+```python\n(.*?)```", text, re.S).group(1)
example = example.replace("ws://localhost:8000/ws", url)


def wav_chunks(path, ms=100, trailing_silence_ms=1000):
    """The recording as the documented input: one WAV file per chunk."""
    with wave.open(path, "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2), "16 kHz mono PCM16"
        pcm = w.readframes(w.getnframes())
    pcm += b"\0" * (32 * trailing_silence_ms)  # the speaker stops: the turn ends
    step = 32 * ms
    for at in range(0, len(pcm), step):
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(pcm[at:at + step])
        yield base64.b64encode(out.getvalue()).decode()


class Microphone:
    """The example's connection, which also speaks the recording."""

    def __init__(self, ws):
        self.ws = ws
        self.speaking = None

    async def send(self, message):
        await self.ws.send(message)

    def __aiter__(self):
        return self.messages()

    async def messages(self):
        async for message in self.ws:
            kind = json.loads(message).get("type")
            if kind == "conversation_started" and self.speaking is None:
                self.speaking = asyncio.ensure_future(self.speak())
            yield message
            if kind == "ai_response":
                return

    async def speak(self):
        for chunk in wav_chunks(recording):
            await self.ws.send(json.dumps({"type": "audio_chunk", "audio_data": chunk}))
            await asyncio.sleep(0.02)  # five times real time


class connect:
    def __init__(self, uri, **kwargs):
        self.inner = real_connect(uri, **kwargs)

    async def __aenter__(self):
        return Microphone(await self.inner.__aenter__())

    async def __aexit__(self, *exc):
        return await self.inner.__aexit__(*exc)


real_connect = websockets.connect
websockets.connect = connect
exec(compile(example, "conversational.md: Python Client Example", "exec"), {"__name__": "__main__"})
