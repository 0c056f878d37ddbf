// A small OpenAPI 3 viewer, served by the transport itself (no CDN): it
// fetches /openapi.json and renders every path, its operations, parameters
// and responses with their examples, and the WebSocket's messages. Two
// layouts: "explorer" (/docs: operations to open one by one) and
// "reference" (/redoc: a contents column and every section in full).
(function () {
  'use strict'
  const layout = document.body.dataset.layout || 'explorer'
  const root = document.getElementById('api')

  function el (tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v)
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)))
    return node
  }
  const pretty = (value) => el('pre', { class: 'example' }, JSON.stringify(value, null, 2))
  const anchor = (text) => text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()

  function operation (path, method, op) {
    const id = anchor(method + ' ' + path)
    const body = el('div', { class: 'body' })
    if (op.description) body.append(el('p', {}, op.description))
    if (op.parameters && op.parameters.length) {
      const table = el('table', { class: 'parameters' }, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'),
        el('th', {}, 'type'), el('th', {}, 'required')))
      for (const p of op.parameters) {
        table.append(el('tr', {}, el('td', {}, p.name), el('td', {}, p.in),
          el('td', {}, (p.schema && p.schema.type) || ''), el('td', {}, p.required ? 'yes' : 'no')))
      }
      body.append(el('h4', {}, 'Parameters'), table)
    }
    body.append(el('h4', {}, 'Responses'))
    for (const [status, r] of Object.entries(op.responses || {})) {
      body.append(el('div', { class: 'response' }, el('span', { class: 'status' }, status), ' ', r.description || ''))
      const example = r.content && r.content['application/json'] && r.content['application/json'].example
      if (example !== undefined) body.append(pretty(example))
    }
    const head = el('div', { class: 'head' }, el('span', { class: 'method ' + method }, method.toUpperCase()), ' ',
      el('code', { class: 'path' }, path), ' ', el('span', { class: 'summary' }, op.summary || ''))
    const section = el('section', { class: 'operation', id }, head, body)
    if (layout === 'explorer') {
      section.classList.add('closed')
      head.addEventListener('click', () => section.classList.toggle('closed'))
    }
    return { section, id, title: method.toUpperCase() + ' ' + path }
  }

  function messages (spec) {
    const ws = spec['x-websocket-messages']
    if (!ws) return []
    const out = []
    for (const [side, list] of [['client', 'Client → server'], ['server', 'Server → client']]) {
      const section = el('section', { class: 'messages', id: 'messages-' + side }, el('h3', {}, 'WebSocket: ' + list))
      for (const [name, example] of Object.entries(ws[side] || {})) {
        section.append(el('div', { class: 'message' }, el('code', { class: 'name' }, name), pretty(example)))
      }
      out.push({ section, id: 'messages-' + side, title: 'WebSocket: ' + list })
    }
    return out
  }

  function render (spec) {
    root.replaceChildren()
    root.append(el('h1', {}, spec.info.title, ' ', el('small', {}, spec.info.version)))
    if (spec.info.description) root.append(el('p', { class: 'description' }, spec.info.description))
    const parts = []
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) parts.push(operation(path, method, op))
    }
    parts.push(...messages(spec))
    if (layout === 'reference') {
      const nav = el('nav', { class: 'contents' })
      for (const p of parts) nav.append(el('a', { href: '#' + p.id }, p.title))
      root.append(el('div', { class: 'reference' }, nav, el('main', {}, ...parts.map((p) => p.section))))
    } else {
      for (const p of parts) root.append(p.section)
    }
    document.title = spec.info.title
    document.body.dataset.rendered = String(parts.length)
  }

  fetch('openapi.json')
    .then((r) => r.json())
    .then(render)
    .catch((e) => { root.textContent = 'Cannot load openapi.json: ' + e })
})()
