// The Switchboard web console: talk to the assistant (WebSocket /voice/{id})
// and watch and steer the providers (WebSocket /metrics/ws, the REST
// operator routes). Plain script, no dependencies, nothing from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const KINDS = [['stt', 'Speech to text'], ['llm', 'Language model'], ['tts', 'Text to speech']];

const app = {
  key: sessionStorage.getItem('switchboard-key') || '',
  session: sessionStorage.getItem('switchboard-session') || 'console-' + Math.random().toString(36).slice(2, 10),
  talk: null,
  feed: null,
  sending: false,
  handsFree: false,
  readOnly: false,
  assistant: null,  // the answer being written: {turn, element}
  lastProviders: null,
  lastLlm: '',      // the llm provider that answered the last turn
  series: [],       // [{stt, llm, tts}] one a second
};
sessionStorage.setItem('switchboard-session', app.session);

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  if (app.key) h['X-API-Key'] = app.key;
  return h;
}

function socketUrl(path, params) {
  const u = new URL(path, location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (app.key) u.searchParams.set('api_key', app.key);
  for (const [k, v] of Object.entries(params || {})) u.searchParams.set(k, v);
  return u.toString();
}

function notice(text) { $('notice').textContent = text || ''; }

// ---- The key ------------------------------------------------------------

function askKey(why) {
  return new Promise((resolve) => {
    const dialog = $('key-dialog');
    $('key-why').textContent = why;
    $('key').value = '';
    const done = (ok) => {
      dialog.close();
      if (ok && $('key').value) {
        app.key = $('key').value;
        sessionStorage.setItem('switchboard-key', app.key);
      }
      resolve(ok);
    };
    $('key-form').onsubmit = (e) => { e.preventDefault(); done(true); };
    $('key-cancel').onclick = () => done(false);
    dialog.showModal();
    $('key').focus();
  });
}

// A REST call; on 401 (or 403 for an admin action) the key is asked for once.
async function call(method, path, admin) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await fetch(path, { method, headers: headers(method !== 'GET'), body: method === 'GET' ? undefined : '{}' });
    if (r.status === 401 || (admin && r.status === 403 && attempt === 0 && !app.readOnly)) {
      const asked = await askKey(r.status === 401 ? 'This server needs an API key.' : 'This needs an admin key.');
      if (!asked) return r;
      continue;
    }
    return r;
  }
  return null;
}

// ---- Speech out ---------------------------------------------------------

const player = {
  context: null,
  next: 0,
  sources: [],
  ensure() {
    if (!this.context) this.context = new AudioContext();
    if (this.context.state === 'suspended') this.context.resume();
    return this.context;
  },
  // A WAV chunk (PCM16 mono), scheduled right after the previous one; the
  // first of a run waits 80 ms so that a late second chunk leaves no gap.
  play(base64) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    let rate = 16000, offset = 12, data = null;
    while (offset + 8 <= bytes.length) {
      const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
      const size = view.getUint32(offset + 4, true);
      if (id === 'fmt ') rate = view.getUint32(offset + 12, true);
      if (id === 'data') { data = new Int16Array(bytes.buffer.slice(offset + 8, offset + 8 + size)); break; }
      offset += 8 + size + (size & 1);
    }
    if (!data || data.length === 0) return;
    const ctx = this.ensure();
    const buffer = ctx.createBuffer(1, data.length, rate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < data.length; i++) channel[i] = data[i] / 32768;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    const start = Math.max(this.next, ctx.currentTime + (this.sources.length === 0 ? 0.08 : 0.01));
    source.start(start);
    this.next = start + buffer.duration;
    this.sources.push(source);
    source.onended = () => { this.sources = this.sources.filter((s) => s !== source); };
    document.body.dataset.playback = 'started';
  },
  stop() {
    for (const s of this.sources) { try { s.stop(); } catch (e) { /* already ended */ } }
    this.sources = [];
    this.next = 0;
  },
};

// ---- Speech in ----------------------------------------------------------

const mic = {
  context: null,
  async start() {
    if (this.context) return true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
      const ctx = new AudioContext();
      await ctx.audioWorklet.addModule('/capture-worklet.js');
      const node = new AudioWorkletNode(ctx, 'capture');
      node.port.onmessage = (e) => {
        if (app.sending && app.talk && app.talk.readyState === WebSocket.OPEN) app.talk.send(e.data);
      };
      ctx.createMediaStreamSource(stream).connect(node);
      this.context = ctx;
      return true;
    } catch (e) {
      notice('The microphone is not available: ' + e.message + '. You can type instead.');
      return false;
    }
  },
};

async function pttDown() {
  if (app.handsFree || !(await mic.start())) return;
  player.ensure();
  app.sending = true;
  $('ptt').classList.add('active');
  $('hearing').textContent = 'Listening…';
}

function pttUp() {
  if (app.handsFree || !app.sending) return;
  app.sending = false;
  $('ptt').classList.remove('active');
  send({ type: 'audio_end' });
}

async function toggleHandsFree() {
  if (!app.handsFree && !(await mic.start())) return;
  player.ensure();
  app.handsFree = !app.handsFree;
  app.sending = app.handsFree;
  $('handsfree').setAttribute('aria-pressed', String(app.handsFree));
  $('handsfree').textContent = 'Hands-free: ' + (app.handsFree ? 'on' : 'off');
  $('ptt').disabled = app.handsFree;
  if (!app.handsFree) send({ type: 'audio_end' });
}

// ---- The conversation ---------------------------------------------------

function send(message) {
  if (app.talk && app.talk.readyState === WebSocket.OPEN) app.talk.send(JSON.stringify(message));
}

function addLine(who, text) {
  const li = document.createElement('li');
  li.className = who;
  const label = document.createElement('span');
  label.className = 'who';
  label.textContent = who === 'user' ? 'You' : 'Assistant';
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  li.append(label, body);
  $('log').append(li);
  li.scrollIntoView({ block: 'nearest' });
  return body;
}

function setState(s) {
  $('state').textContent = s;
  $('state').dataset.state = s;
}

function onTalk(m) {
  switch (m.type) {
    case 'state_change':
      setState(m.state);
      break;
    case 'transcript_update': {
      const d = m.data || {};
      if (d.speaker === 'user') {
        if (d.is_final) {
          $('hearing').textContent = '';
          if (d.text) addLine('user', d.text);
        } else {
          $('hearing').textContent = d.text ? 'Hearing: ' + d.text : '';
        }
      } else if (d.speaker === 'assistant') {
        if (app.assistant) app.assistant.element.textContent = d.text;
        else addLine('assistant', d.text);
        app.assistant = null;
      }
      break;
    }
    case 'response_text': {
      const d = m.data || {};
      if (!app.assistant || app.assistant.turn !== d.turn_id) {
        app.assistant = { turn: d.turn_id, element: addLine('assistant', '') };
      }
      app.assistant.element.textContent += d.text;
      break;
    }
    case 'audio':
      if (m.data) player.play(m.data);
      break;
    case 'interrupt_ack':
      player.stop();
      break;
    case 'error':
      notice(m.message || 'Something went wrong');
      break;
    default:
      break;
  }
}

function connectTalk() {
  const ws = new WebSocket(socketUrl('/voice/' + encodeURIComponent(app.session), { stream_text: '1' }));
  app.talk = ws;
  ws.onmessage = (e) => { if (typeof e.data === 'string') onTalk(JSON.parse(e.data)); };
  ws.onopen = () => notice('');
  ws.onclose = (e) => {
    if (app.talk !== ws) return;
    setState('disconnected');
    if (e.code === 4409) { notice('Another window took this session.'); return; }
    setTimeout(connectTalk, 2000);
  };
}

// ---- The panel ----------------------------------------------------------

function ms(v) { return v === undefined || v === null ? '–' : Math.round(v) + ' ms'; }

// Each chain's table is built once (again only when its providers change)
// and updated in place, so a control with the focus keeps it.
function chainTable(kind, title, chain) {
  const names = ((chain && chain.providers) || []).map((p) => p.name).join('\u0000');
  let table = document.querySelector('table[data-kind="' + kind + '"]');
  if (table && table.dataset.names === names) return table;
  const fresh = document.createElement('table');
  fresh.dataset.kind = kind;
  fresh.dataset.names = names;
  fresh.append(document.createElement('caption'));
  const head = document.createElement('tr');
  for (const h of ['#', 'Provider', 'Circuit', 'Calls', 'Failed', 'First byte p50 / p90', 'Last turn', 'Actions']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  fresh.append(head);
  for (const p of (chain && chain.providers) || []) {
    const row = document.createElement('tr');
    row.dataset.provider = p.name;
    for (const name of ['priority', 'name', 'circuit', 'calls', 'failures', 'ttfb', 'served', 'actions']) {
      const td = document.createElement('td');
      td.dataset.cell = name;
      row.append(td);
    }
    row.querySelector('[data-cell=circuit]').append(Object.assign(document.createElement('span'), { className: 'badge' }));
    for (const [action, label] of [['reset', 'Reset'], ['force-open', 'Force open']]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'admin';
      b.textContent = label;
      b.setAttribute('aria-label', label + ' ' + p.name + ' (' + kind + ')');
      b.dataset.action = action;
      b.onclick = () => steer(kind, p.name, action);
      row.querySelector('[data-cell=actions]').append(b);
    }
    fresh.append(row);
  }
  if (table) table.replaceWith(fresh); else $('chains').append(fresh);
  return fresh;
}

function renderChains(providers, recent) {
  if (recent && recent.last_turn) app.lastLlm = recent.last_turn.llm_provider;
  for (const [kind, title] of KINDS) {
    const chain = providers && providers[kind];
    const table = chainTable(kind, title, chain);
    table.querySelector('caption').textContent =
        title + (chain && chain.current_provider ? ' — now ' + chain.current_provider : ' — none available');
    for (const p of (chain && chain.providers) || []) {
      const row = table.querySelector('tr[data-provider="' + CSS.escape(p.name) + '"]');
      const put = (name, text) => { row.querySelector('[data-cell=' + name + ']').textContent = text; };
      const state = p.enabled ? p.circuit.state : 'disabled';
      row.dataset.state = state;
      put('priority', String(p.priority + 1));
      put('name', p.name);
      const badge = row.querySelector('.badge');
      badge.className = 'badge ' + state;
      badge.textContent = state.replace('_', '-');
      const s = p.stats || {};
      put('calls', String(s.calls || 0));
      put('failures', String(s.failures || 0));
      const t = s.time_to_first_byte_ms || {};
      put('ttfb', ms(t.p50) + ' / ' + ms(t.p90));
      const served = kind === 'llm' ? p.name === app.lastLlm : p.name === chain.current_provider;
      const servedCell = row.querySelector('[data-cell=served]');
      servedCell.textContent = served ? (kind === 'llm' ? 'answered' : 'serving') : '';
      servedCell.className = served ? 'served' : '';
      for (const b of row.querySelectorAll('button')) b.disabled = app.readOnly;
    }
  }
}

function renderCache(cache) {
  const dl = $('cache');
  dl.replaceChildren();
  if (!cache) {
    dl.append(Object.assign(document.createElement('dt'), { textContent: 'none configured' }));
    $('cache-clear').disabled = true;
    return;
  }
  for (const [k, v] of Object.entries(cache)) {
    if (typeof v === 'object') continue;
    dl.append(Object.assign(document.createElement('dt'), { textContent: k.replaceAll('_', ' ') }));
    dl.append(Object.assign(document.createElement('dd'), { textContent: String(v) }));
  }
  $('cache-clear').disabled = app.readOnly;
}

function drawChart() {
  const canvas = $('chart');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const points = app.series;
  const max = Math.max(100, ...points.flatMap((p) => [p.stt, p.llm, p.tts]));
  g.fillStyle = '#5b6670';
  g.font = '11px sans-serif';
  g.fillText(Math.round(max) + ' ms', 4, 12);
  const colours = { stt: '#8e44ad', llm: '#1f5fbf', tts: '#d35400' };
  for (const stage of ['stt', 'llm', 'tts']) {
    g.strokeStyle = colours[stage];
    g.lineWidth = 2;
    g.beginPath();
    points.forEach((p, i) => {
      const x = (i / 299) * canvas.width;
      const y = canvas.height - 4 - (p[stage] / max) * (canvas.height - 20);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }
}

function onSnapshot(s) {
  app.lastProviders = s.providers;
  renderChains(s.providers, s.recent);
  renderCache(s.cache);
  const m = s.metrics || {};
  $('active-sessions').textContent = String(m.session_count !== undefined ? m.session_count : 0);
  const st = (s.recent && s.recent.stages) || {};
  app.series.push({ stt: st.stt_ms || 0, llm: st.llm_ms || 0, tts: st.tts_ms || 0 });
  if (app.series.length > 300) app.series.shift();
  drawChart();
}

function connectFeed() {
  const ws = new WebSocket(socketUrl('/metrics/ws'));
  app.feed = ws;
  ws.onmessage = (e) => onSnapshot(JSON.parse(e.data));
  ws.onclose = () => { if (app.feed === ws) setTimeout(connectFeed, 2000); };
}

async function steer(kind, name, action) {
  const r = await call('POST', '/providers/' + kind + '/' + encodeURIComponent(name) + '/' + action, true);
  if (r && r.status === 403) {
    app.readOnly = true;
    $('panel-note').textContent = 'This key may watch, not steer: the actions need an admin key.';
    renderChains(app.lastProviders, null);
    $('cache-clear').disabled = true;
  } else if (r && !r.ok) {
    notice('The server refused: ' + r.status);
  }
}

async function clearCache() {
  const r = await call('DELETE', '/cache/clear', true);
  if (r && r.status === 403) {
    app.readOnly = true;
    $('panel-note').textContent = 'This key may watch, not steer: the actions need an admin key.';
  }
}

// ---- Start --------------------------------------------------------------

async function start() {
  $('session-id').textContent = app.session;
  const ptt = $('ptt');
  ptt.addEventListener('pointerdown', pttDown);
  ptt.addEventListener('pointerup', pttUp);
  ptt.addEventListener('pointerleave', pttUp);
  ptt.addEventListener('keydown', (e) => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) { e.preventDefault(); pttDown(); } });
  ptt.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); pttUp(); } });
  $('handsfree').addEventListener('click', toggleHandsFree);
  $('stop').addEventListener('click', () => { player.stop(); send({ type: 'interrupt' }); });
  $('cache-clear').addEventListener('click', clearCache);
  $('text-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    player.ensure();
    addLine('user', text);
    send({ type: 'text', data: text });
    $('text').value = '';
  });
  // With auth on, the key first (a browser cannot read a refused upgrade's status).
  const probe = await call('GET', '/providers', false);
  if (probe && probe.ok) onSnapshot({ providers: (await probe.json()).providers });
  connectTalk();
  connectFeed();
}

start();
