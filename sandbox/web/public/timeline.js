/* global EventSource */
import { get } from './api.js'
import { $, h } from './dom.js'
import { chatLabel, conversationLabel, knowsConversation, linkConversationToChat, onNamesChanged } from './labels.js'

/**
 * The timeline of what crossed the integration: Botpress operations, Zoho calls and webhooks, integration calls, bot
 * deliveries and action routing. Each row says which conversation / SalesIQ chat it concerns and which integration
 * instance handled it. Rows are kept in time order (a call is reported when it returns, stamped with its start), so a
 * late row is inserted where it belongs; newest at the bottom.
 */

const KNOWN_SOURCES = ['integration', 'zoho', 'botpress', 'bot']
const MAX_ROWS = 1000
const hidden = new Set()
const sources = new Set()
const seen = new Set()
/** Kept rows in time order, each with its list item: [{ item, li }]. */
let rows = []

const order = (a, b) => a.at - b.at || (a.seq ?? 0) - (b.seq ?? 0)
const keyOf = (item) => item.seq ?? `${item.at}|${item.source}|${item.kind}|${item.summary}|${item.status ?? ''}`

function clock(at) {
  return `${new Date(at).toLocaleTimeString([], { hour12: false })}.${String(at % 1000).padStart(3, '0')}`
}

/** "Grace hitl · chat …00002", "chat …00002 Grace": what the row concerns, by the names the panels taught us. */
function concerns(item) {
  return [
    item.conversationId ? conversationLabel(item.conversationId) : null,
    item.chatId ? chatLabel(item.chatId, !(item.conversationId && knowsConversation(item.conversationId))) : null,
  ]
    .filter(Boolean)
    .join(' · ')
}

const concernsTitle = (item) =>
  [
    item.conversationId ? `Botpress conversation ${item.conversationId}` : null,
    item.chatId ? `SalesIQ chat ${item.chatId}` : null,
  ]
    .filter(Boolean)
    .join('\n')

/** A cell whose full text is also its tooltip, since narrow columns cut long values short. */
const cell = (cls, text, title = text) => h('span', { class: cls, title: title || null }, text)

function rowElement(item) {
  const failed = typeof item.status === 'number' && item.status >= 400
  const instance = typeof item.instance === 'number' ? `#${item.instance}` : ''
  return h(
    'li',
    {
      class: `tl-item src-${item.source}${failed ? ' failed' : ''}`,
      dataset: {
        testid: 'timeline-item',
        source: item.source,
        at: String(item.at),
        ...(item.conversationId ? { conversation: item.conversationId } : {}),
        ...(item.chatId ? { chat: item.chatId } : {}),
        ...(instance ? { instance: String(item.instance) } : {}),
      },
      hidden: hidden.has(item.source),
    },
    cell('tl-time', clock(item.at)),
    cell('tl-source', item.source),
    cell('tl-instance', instance, instance ? `integration instance ${item.instance}` : ''),
    cell('tl-kind', item.kind),
    cell('tl-concerns', concerns(item), concernsTitle(item)),
    h('span', { class: 'tl-summary' }, item.summary),
    cell('tl-status', item.status === undefined || item.status === null ? '' : String(item.status))
  )
}

function add(items) {
  const list = $('#timeline')
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60
  for (const item of items) {
    const key = keyOf(item)
    if (seen.has(key)) continue
    seen.add(key)
    if (!sources.has(item.source)) addFilter(item.source)
    linkConversationToChat(item.conversationId, item.chatId)
    const li = rowElement(item)
    let i = rows.length
    while (i > 0 && order(rows[i - 1].item, item) > 0) i--
    list.insertBefore(li, rows[i]?.li ?? null)
    rows.splice(i, 0, { item, li })
  }
  while (rows.length > MAX_ROWS) rows.shift().li.remove()
  if (nearBottom) list.scrollTop = list.scrollHeight
}

function addFilter(source) {
  sources.add(source)
  $('#timeline-filters').append(
    h(
      'label',
      { class: `filter src-${source}` },
      h('input', {
        type: 'checkbox',
        checked: !hidden.has(source),
        dataset: { testid: `timeline-filter-${source}` },
        onchange: (e) => {
          if (e.currentTarget.checked) hidden.delete(source)
          else hidden.add(source)
          for (const { item, li } of rows) li.hidden = hidden.has(item.source)
        },
      }),
      source
    )
  )
}

/** Names learned later (the hitl conversation, a chat's visitor) replace the short ids already shown. */
function relabel() {
  for (const { item, li } of rows) {
    if (!item.conversationId && !item.chatId) continue
    const el = li.querySelector('.tl-concerns')
    const text = concerns(item)
    if (el.textContent !== text) el.textContent = text
  }
}

export function initTimeline() {
  for (const source of KNOWN_SOURCES) addFilter(source)
  onNamesChanged(relabel)
  $('#timeline-clear').addEventListener('click', () => {
    for (const { li } of rows) li.remove()
    rows = []
  })
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
