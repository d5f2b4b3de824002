/* global EventSource */
import { get } from './api.js'
import { $, h } from './dom.js'

/**
 * The timeline of what crossed the integration: Botpress operations, Zoho calls and webhooks, integration calls and
 * what the bot dropped. Loads the kept items, then follows the server-sent events; newest at the bottom.
 */

const SOURCES = ['integration', 'zoho', 'botpress', 'bot']
const MAX_ROWS = 1000
const hidden = new Set()
const seen = new Set()

const keyOf = (item) => `${item.at}|${item.source}|${item.kind}|${item.summary}|${item.status ?? ''}`

function row(item) {
  const failed = typeof item.status === 'number' && item.status >= 400
  return h(
    'li',
    {
      class: `tl-item src-${item.source}${failed ? ' failed' : ''}`,
      dataset: { testid: 'timeline-item', source: item.source },
      hidden: hidden.has(item.source),
    },
    h(
      'span',
      { class: 'tl-time' },
      new Date(item.at).toLocaleTimeString([], { hour12: false }) + `.${String(item.at % 1000).padStart(3, '0')}`
    ),
    h('span', { class: 'tl-source' }, item.source),
    h('span', { class: 'tl-kind' }, item.kind),
    h('span', { class: 'tl-summary' }, item.summary),
    item.status !== undefined ? h('span', { class: 'tl-status' }, String(item.status)) : null
  )
}

function add(items) {
  const list = $('#timeline')
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60
  const fresh = items.filter((i) => {
    const k = keyOf(i)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
  if (fresh.length === 0) return
  list.append(...fresh.map(row))
  while (list.children.length > MAX_ROWS) list.firstElementChild.remove()
  if (nearBottom) list.scrollTop = list.scrollHeight
}

function renderFilters() {
  $('#timeline-filters').replaceChildren(
    ...SOURCES.map((source) =>
      h(
        'label',
        { class: `filter src-${source}` },
        h('input', {
          type: 'checkbox',
          checked: true,
          dataset: { testid: `timeline-filter-${source}` },
          onchange: (e) => {
            if (e.currentTarget.checked) hidden.delete(source)
            else hidden.add(source)
            for (const li of $('#timeline').children) li.hidden = hidden.has(li.dataset.source)
          },
        }),
        source
      )
    )
  )
}

export function initTimeline() {
  renderFilters()
  $('#timeline-clear').addEventListener('click', () => $('#timeline').replaceChildren())
  // Subscribe first and buffer, then load the history, so nothing falls between the two (duplicates are skipped).
  let buffer = []
  const stream = new EventSource('/api/timeline/stream')
  stream.onmessage = (e) => {
    const item = JSON.parse(e.data)
    if (buffer) buffer.push(item)
    else add([item])
  }
  get('/api/timeline')
    .then(({ items }) => add(items))
    .catch(() => undefined)
    .finally(() => {
      add(buffer)
      buffer = null
    })
}
