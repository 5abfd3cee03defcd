// DOM helpers. Data from the API only ever reaches the page as text nodes or attribute values.

/** Creates an element with attributes and children; strings become text nodes. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

/** A status line for a panel: kind is loading, empty, error or unavailable (the data-state attribute). */
export function stateBox(kind, ...content) {
  return el('div', { class: 'state state-' + kind, 'data-state': kind, role: kind === 'error' ? 'alert' : 'status' },
    ...content);
}

/** The "how to attach the agent" block from index.html. */
export function attachAgentHint() {
  return document.getElementById('attach-agent').content.cloneNode(true);
}

export function table(headers, rows, attrs) {
  const head = el('tr', {}, ...headers.map((h) => (h instanceof Node ? h
    : el('th', { scope: 'col', class: h.startsWith('#') ? 'num' : null }, h.replace(/^#/, '')))));
  return el('table', attrs || {}, el('thead', {}, head), el('tbody', {}, ...rows));
}

export function section(title, id, ...content) {
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), ...content);
}
