// Drives the web console in a headless Chromium over the DevTools protocol
// and prints one JSON report: what the page showed, what it logged, where
// it connected, which controls the keyboard reached.
//
//   node console_driver.js <devtools port> <page url> <scenario> <screenshot.png> [options json]
//
// Scenarios: talk (hands-free with the fake microphone), breaker (a text
// turn while the first llm is failing, then its Reset button), auth (keys
// asked for; a user key is read-only). Waits are for the page's own changes
// (a MutationObserver in the page), each with a deadline.
'use strict';

const http = require('http');
const fs = require('fs');
const WebSocket = globalThis.WebSocket || require('ws');

const [port, pageUrl, scenario, screenshot, optionsText] = process.argv.slice(2);
const options = optionsText ? JSON.parse(optionsText) : {};
const report = { scenario, exceptions: [], console_errors: [], log_errors: [], foreign: [], steps: {} };

function getJson(path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

async function pageSocket() {
  const targets = await getJson('/json/list');
  const page = targets.find((t) => t.type === 'page');
  if (!page) throw new Error('no page target');
  return page.webSocketDebuggerUrl;
}

let ws;
let nextId = 1;
const pending = new Map();

function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

function local(url) {
  return /^(https?|wss?):\/\/127\.0\.0\.1(:\d+)?\//.test(url) || url.startsWith('data:') || url.startsWith('blob:');
}

function onEvent(m) {
  const p = m.params || {};
  if (m.method === 'Runtime.exceptionThrown') {
    report.exceptions.push(p.exceptionDetails.exception ? p.exceptionDetails.exception.description : p.exceptionDetails.text);
  } else if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
    report.console_errors.push(p.args.map((a) => a.value || a.description).join(' '));
  } else if (m.method === 'Log.entryAdded' && p.entry.level === 'error') {
    report.log_errors.push(p.entry.text + (p.entry.url ? ' ' + p.entry.url : ''));
  } else if (m.method === 'Network.requestWillBeSent') {
    if (!local(p.request.url)) report.foreign.push(p.request.url);
  } else if (m.method === 'Network.webSocketCreated') {
    if (!local(p.url)) report.foreign.push(p.url);
  }
}

async function evaluate(expression, awaitPromise = false) {
  const r = await send('Runtime.evaluate', { expression, awaitPromise, returnByValue: true, userGesture: true });
  if (r.exceptionDetails) throw new Error('in the page: ' + (r.exceptionDetails.exception || {}).description);
  return r.result.value;
}

// Resolves when `condition` (an expression) is truthy in the page, checked
// at every change of the document; the value, or null at the deadline.
function until(condition, seconds = 30) {
  return evaluate(`new Promise((resolve) => {
    const check = () => { try { const v = (${condition}); if (v) { done(v); } } catch (e) {} };
    const observer = new MutationObserver(check);
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, ${seconds * 1000});
    const done = (v) => { clearTimeout(timer); observer.disconnect(); resolve(v); };
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  })`, true);
}

async function shot(path) {
  const r = await send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path, Buffer.from(r.data, 'base64'));
}

// Tabs through the page from its top and says which enabled controls the
// focus never reached.
async function keyboardReach() {
  const controls = await evaluate(`[...document.querySelectorAll('button, input, select, textarea, a[href]')]
      .filter((e) => !e.disabled && e.offsetParent !== null && !e.closest('dialog'))
      .map((e, i) => { e.dataset.reach = String(i); return i; })`);
  await evaluate('document.activeElement && document.activeElement.blur(); window.focus()');
  const reached = new Set();
  for (let i = 0; i < controls.length + 5; i++) {
    await send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
    await send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
    const at = await evaluate('document.activeElement && document.activeElement.dataset.reach');
    if (at !== undefined && at !== null) reached.add(Number(at));
  }
  return controls.filter((i) => !reached.has(i)).length === 0
    ? [] : await evaluate(`[...document.querySelectorAll('[data-reach]')]
        .filter((e) => !${JSON.stringify([...reached])}.includes(Number(e.dataset.reach)))
        .map((e) => e.id || e.getAttribute('aria-label') || e.textContent.trim())`);
}

const llmRow = (name) => `document.querySelector('table[data-kind="llm"] tr[data-provider="${name}"]')`;

async function talk() {
  report.steps.page = await until(`document.getElementById('state').dataset.state === 'listening'`);
  await evaluate(`document.getElementById('handsfree').click()`);
  report.steps.handsfree = await until(`document.getElementById('handsfree').getAttribute('aria-pressed') === 'true'`, 10);
  report.steps.transcript = await until(`(document.querySelector('#log li.user .text') || {}).textContent`, 60);
  report.steps.answer = await until(`[...document.querySelectorAll('#log li.assistant .text')].map((e) => e.textContent).find((t) => t.length > 0)`, 60);
  report.steps.playback = await until(`document.body.dataset.playback`, 30);
  report.steps.served = await until(`(document.querySelector('table[data-kind="llm"] td.served') || {}).parentElement && document.querySelector('table[data-kind="llm"] td.served').parentElement.dataset.provider`, 15);
  report.steps.unreached = await keyboardReach();
}

async function breaker() {
  const name = options.failing;
  report.steps.page = await until(`document.getElementById('state').dataset.state === 'listening'`);
  report.steps.before = await until(`${llmRow(name)} && ${llmRow(name)}.dataset.state`, 15);
  await evaluate(`document.getElementById('text').value = ${JSON.stringify(options.question)};
                  document.getElementById('text-form').requestSubmit()`);
  report.steps.answer = await until(`[...document.querySelectorAll('#log li.assistant .text')].map((e) => e.textContent).find((t) => t.length > 0)`, 30);
  report.steps.opened = await until(`${llmRow(name)}.dataset.state === 'open' && 'open'`, 15);
  report.steps.served = await until(`(document.querySelector('table[data-kind="llm"] td.served') || {}).parentElement && document.querySelector('table[data-kind="llm"] td.served').parentElement.dataset.provider`, 15);
  await shot(screenshot);
  await evaluate(`${llmRow(name)}.querySelector('button[data-action="reset"]').click()`);
  report.steps.reset = await until(`${llmRow(name)}.dataset.state === 'closed' && 'closed'`, 15);
}

async function auth() {
  report.steps.asked = await until(`document.getElementById('key-dialog').open && document.getElementById('key-why').textContent`, 15);
  await evaluate(`document.getElementById('key').value = ${JSON.stringify(options.user_key)};
                  document.getElementById('key-form').requestSubmit()`);
  report.steps.page = await until(`document.getElementById('state').dataset.state === 'listening' && 'listening'`, 15);
  report.steps.panel = await until(`document.querySelectorAll('table[data-kind] tr[data-provider]').length`, 15);
  await evaluate(`document.querySelector('table[data-kind="llm"] button[data-action="reset"]').click()`);
  report.steps.admin_asked = await until(`document.getElementById('key-dialog').open && document.getElementById('key-why').textContent`, 15);
  await evaluate(`document.getElementById('key-cancel').click()`);
  report.steps.read_only = await until(`document.getElementById('panel-note').textContent`, 15);
  report.steps.buttons_disabled = await until(`[...document.querySelectorAll('table[data-kind] button')].every((b) => b.disabled) && 'yes'`, 15);
  await evaluate(`document.getElementById('text').value = 'hello'; document.getElementById('text-form').requestSubmit()`);
  // The whole answer: it streams word by word.
  report.steps.answer = await until(`[...document.querySelectorAll('#log li.assistant .text')].map((e) => e.textContent).find((t) => t.endsWith('.'))`, 30);
}

async function main() {
  ws = new WebSocket(await pageSocket());
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  ws.onmessage = (e) => {
    const m = JSON.parse(typeof e.data === 'string' ? e.data : e.data.toString());
    if (m.id && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(p.method + ': ' + m.error.message)); else p.resolve(m.result);
    } else if (m.method) {
      onEvent(m);
    }
  };
  for (const domain of ['Runtime', 'Log', 'Network', 'Page']) await send(domain + '.enable');
  await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
  await send('Emulation.setFocusEmulationEnabled', { enabled: true });
  // From the start, with every event seen.
  await send('Page.navigate', { url: pageUrl });
  if (scenario === 'talk') await talk();
  else if (scenario === 'breaker') await breaker();
  else if (scenario === 'auth') await auth();
  else throw new Error('unknown scenario ' + scenario);
  if (scenario !== 'breaker') await shot(screenshot);
  process.stdout.write(JSON.stringify(report) + '\n');
  ws.close();
  process.exit(0);
}

main().catch((e) => {
  report.error = String(e && e.stack || e);
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(1);
});
