/* global document, Node */
/** Tiny DOM helpers: build elements without innerHTML (every text is set as text, never parsed). */

/**
 * h('button', { class: 'x', dataset: { testid: 'y' }, onclick: fn }, 'label', child, …)
 * Attributes named on* become listeners; `dataset` sets data-*; false/null/undefined attributes and children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key in el && typeof value !== 'string') el[key] = value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

export const $ = (selector, root = document) => root.querySelector(selector)

/** Replaces the children of `el` only when `key` changed, so polling does not reset scroll or focus. */
export function renderIfChanged(el, key, build) {
  if (el.dataset.renderKey === key) return false
  const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40
  el.replaceChildren(...build())
  el.dataset.renderKey = key
  if (nearBottom) el.scrollTop = el.scrollHeight
  return true
}

export function showError(el, err) {
  el.textContent = err ? String(err.message ?? err) : ''
  el.hidden = !err
}

export const time = (at) => new Date(typeof at === 'string' && /^\d+$/.test(at) ? Number(at) : at).toLocaleTimeString()
