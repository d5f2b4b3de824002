/* global FileReader, setTimeout, URL */
import { zohoApi } from './api.js'
import { $, h, renderIfChanged, showError, time } from './dom.js'
import { nameChat, shortId, shorten } from './labels.js'
import { initRating, renderRating } from './rating.js'
import { noteOperators } from './settings.js'

/**
 * The SalesIQ-like operator console, on the Zoho emulator's control API (/api/zoho → /_emulator): operators and
 * their availability, the live chats (waiting, open, closed), and the selected chat's transcript and actions (the app's
 * settings are settings.js's, offline messages offline-messages.js's, rating an ended chat rating.js's).
 * A chat that arrives while another is open is marked new (and counted) until looked at; while the selected chat is
 * closed, a new one is selected at once, as SalesIQ pops it up.
 */

const POLL_MS = 700
const STATUSES = ['available', 'busy', 'offline']
const STATE_LABEL = { waiting: 'Waiting', connected: 'Open', ended: 'Ended', missed: 'Missed' }
const OPEN = new Set(['waiting', 'connected'])
/** Transfer targets: who can take the chat now first. */
const AVAILABILITY_RANK = { available: 0, busy: 1, offline: 2 }

let operators = []
let chats = []
let selectedId = null
let actingId = null
let knownChatIds = null // null until the first load: chats already there are not new
const newChatIds = new Set()
let transferPick = null // the target the operator chose, kept while it can still be chosen

const fullName = (o) => `${o.first_name} ${o.last_name}`.trim()
const operatorById = (id) => operators.find((o) => o.id === id)
const selected = () => chats.find((c) => c.id === selectedId)
const errorBox = () => $('#console-error')

async function act(action) {
  try {
    await action()
    showError(errorBox(), null)
  } catch (err) {
    showError(errorBox(), err)
  }
  await refresh()
}

function renderOperators() {
  const key = JSON.stringify(operators.map((o) => [o.id, o.status, o.active_chats]))
  renderIfChanged($('#operators'), key, () =>
    operators.map((o) =>
      h(
        'li',
        { class: `operator ${o.status}`, dataset: { testid: 'operator', operator: o.first_name } },
        h('span', { class: 'dot', title: o.status }),
        h('span', { class: 'name' }, fullName(o)),
        h('span', { class: 'muted' }, `${o.active_chats} chat${o.active_chats === 1 ? '' : 's'}`),
        h(
          'select',
          {
            dataset: { testid: 'operator-status', operator: o.first_name },
            'aria-label': `Availability of ${fullName(o)}`,
            onchange: (e) => act(() => zohoApi.setOperatorStatus(o.id, e.currentTarget.value)),
          },
          STATUSES.map((s) => h('option', { value: s, selected: s === o.status }, s))
        )
      )
    )
  )
  const acting = $('#console-operator')
  if (!actingId) actingId = (operators.find((o) => o.status === 'available') ?? operators[0])?.id ?? null
  renderIfChanged(acting, JSON.stringify(operators.map((o) => [o.id, fullName(o)])), () =>
    operators.map((o) => h('option', { value: o.id }, fullName(o)))
  )
  if (actingId) acting.value = actingId
}

function chatSummary(c) {
  const attender = c.attender?.name
  const transfer = c.pending_transfer
    ? ` · transfer to ${operatorById(c.pending_transfer.toOperatorId)?.first_name ?? 'department'} pending`
    : ''
  return `${STATE_LABEL[c.state] ?? c.state}${attender ? ` · ${attender}` : ''}${transfer}`
}

function select(id) {
  selectedId = id
  newChatIds.delete(id)
  transferPick = null
}

function renderChats() {
  const ordered = [...chats].sort((a, b) => {
    const open = Number(OPEN.has(b.state)) - Number(OPEN.has(a.state))
    return open || Number(b.start_time) - Number(a.start_time)
  })
  const count = $('#console-new')
  count.textContent = `${newChatIds.size} new`
  count.hidden = newChatIds.size === 0
  const key = JSON.stringify([
    selectedId,
    [...newChatIds],
    ordered.map((c) => [c.id, c.state, c.attender?.id, !!c.pending_transfer]),
  ])
  renderIfChanged($('#console-chats'), key, () =>
    ordered.length === 0
      ? [h('li', { class: 'muted' }, 'No chats yet.')]
      : ordered.map((c) =>
          h(
            'li',
            {
              class: `chat-item ${c.state}${c.id === selectedId ? ' selected' : ''}${newChatIds.has(c.id) ? ' new' : ''}`,
              dataset: {
                testid: 'console-chat',
                id: c.id,
                state: c.state,
                visitor: c.visitor?.name ?? '',
                ...(newChatIds.has(c.id) ? { new: '' } : {}),
              },
              onclick: () => {
                select(c.id)
                render()
              },
            },
            h(
              'div',
              { class: 'name' },
              c.visitor?.name ?? 'Visitor',
              newChatIds.has(c.id)
                ? h('span', { class: 'badge', dataset: { testid: 'console-chat-new' } }, 'new')
                : null,
              h('span', { class: 'chat-id muted', title: `SalesIQ chat ${c.id}` }, `chat ${shortId(c.id)}`)
            ),
            h('div', { class: 'question', title: c.question ?? '' }, c.question ?? ''),
            h('div', { class: 'state' }, chatSummary(c))
          )
        )
  )
}

function messageItem(m) {
  const file = m.message?.file
  return h(
    'li',
    { class: `msg from-${m.sender?.type}`, dataset: { testid: 'console-message', sender: m.sender?.type } },
    h('div', { class: 'meta' }, `${m.sender?.name ?? m.sender?.type} · ${time(m.time)}`),
    m.message?.text ? h('div', { class: 'text' }, m.message.text) : null,
    file
      ? h(
          'a',
          {
            // The API URL needs an OAuth token; the console, like SalesIQ's own, opens it as the logged-in operator.
            href: `/api/zoho/files/${encodeURIComponent(new URL(file.url).pathname.split('/').pop())}`,
            target: '_blank',
            rel: 'noopener',
            class: 'file-link',
            title: `SalesIQ attachment: ${file.name}`,
          },
          `File: ${shorten(file.name)} (${Math.ceil((file.size ?? 0) / 1024)} KB)`
        )
      : null,
    m.message?.comment ? h('div', { class: 'caption' }, m.message.comment) : null
  )
}

function renderDetail() {
  const c = selected()
  $('#console-empty').hidden = !!c
  $('#console-detail').hidden = !c
  if (!c) return
  $('#console-title').textContent = `${c.visitor?.name ?? 'Visitor'} — ${c.question ?? ''}`
  const state = $('#console-state')
  state.textContent = chatSummary(c)
  state.dataset.state = c.state

  const open = OPEN.has(c.state)
  const buttons = {
    accept: c.state === 'waiting',
    transfer: open && !c.pending_transfer,
    complete: open,
    miss: c.state === 'waiting',
  }
  for (const [action, enabled] of Object.entries(buttons))
    $(`#console-detail [data-action="${action}"]`).disabled = !enabled
  for (const el of $('#console-compose').elements) el.disabled = !open

  const targets = operators
    .filter((o) => o.id !== c.attender?.id)
    .sort((a, b) => (AVAILABILITY_RANK[a.status] ?? 3) - (AVAILABILITY_RANK[b.status] ?? 3))
  const transferTo = $('#console-transfer-to')
  renderIfChanged(transferTo, JSON.stringify([c.attender?.id, targets.map((o) => [o.id, o.status])]), () => {
    const option = (o) => h('option', { value: o.id }, `${fullName(o)} (${o.status})`)
    const now = targets.filter((o) => o.status === 'available')
    const later = targets.filter((o) => o.status !== 'available')
    return [
      now.length ? h('optgroup', { label: 'Available' }, now.map(option)) : null,
      later.length ? h('optgroup', { label: 'Not available (SalesIQ refuses)' }, later.map(option)) : null,
    ].filter(Boolean)
  })
  transferTo.value = targets.some((o) => o.id === transferPick) ? transferPick : (targets[0]?.id ?? '')
  if (!targets.length) $('#console-detail [data-action="transfer"]').disabled = true
  renderTransferResult(c)
  renderRating(c)

  const replyAs = c.attender?.name ?? fullName(operatorById(actingId) ?? { first_name: '?', last_name: '' })
  $('#console-compose').elements.text.placeholder = open
    ? `Reply as ${replyAs}`
    : `This chat is ${STATE_LABEL[c.state].toLowerCase()}`
  renderIfChanged($('#console-messages'), `${c.id}|${c.messages.map((m) => m.msgid).join(',')}`, () =>
    c.messages.map(messageItem)
  )
}

/** How the last transfer of the chat went: pending, done, or refused and why (the emulator's `last_transfer`). */
function renderTransferResult(c) {
  const el = $('#console-transfer-result')
  const target = (id) => (id ? fullName(operatorById(id) ?? { first_name: id, last_name: '' }) : 'the department')
  const p = c.pending_transfer
  const t = c.last_transfer
  const shown = p
    ? { outcome: 'pending', text: `Transfer to ${target(p.toOperatorId)} pending…` }
    : t?.outcome === 'rejected'
      ? { outcome: 'rejected', text: `Transfer to ${target(t.toOperatorId)} refused: ${t.reason ?? 'no reason given'}` }
      : t?.outcome === 'accepted'
        ? { outcome: 'accepted', text: `Transferred to ${target(t.toOperatorId)}` }
        : { outcome: '', text: '' }
  el.hidden = !shown.outcome
  el.textContent = shown.text
  el.dataset.outcome = shown.outcome
}

function render() {
  renderOperators()
  renderChats()
  renderDetail()
}

async function refresh() {
  try {
    const [ops, all] = await Promise.all([zohoApi.operators(), zohoApi.conversations()])
    operators = ops
    // An offline message is stored as a missed chat nobody is offered; the console lists those apart.
    chats = all.filter((c) => !c.left_message)
    noteOperators(operators)
    noticeNewChats()
    render()
  } catch (err) {
    showError(errorBox(), err)
  }
}

/**
 * New chats become visible: with no chat selected, the newest open one is; a chat that arrives while a closed one is
 * selected is selected (as SalesIQ pops a new chat up); while an open chat is selected, newcomers are marked new until
 * looked at.
 */
function noticeNewChats() {
  const newestFirst = (a, b) => Number(b.start_time) - Number(a.start_time)
  const arrived = knownChatIds ? chats.filter((c) => !knownChatIds.has(c.id) && OPEN.has(c.state)) : []
  knownChatIds = new Set(chats.map((c) => c.id))
  for (const c of chats) nameChat(c.id, c.visitor?.name)
  const current = selected()
  if (!current) selectedId = chats.filter((c) => OPEN.has(c.state)).sort(newestFirst)[0]?.id ?? null
  else if (!OPEN.has(current.state) && arrived.length) select(arrived.sort(newestFirst)[0].id)
  for (const c of arrived) if (c.id !== selectedId) newChatIds.add(c.id)
  for (const id of newChatIds) {
    const c = chats.find((x) => x.id === id)
    if (!c || !OPEN.has(c.state)) newChatIds.delete(id)
  }
}

async function loop() {
  await refresh()
  setTimeout(loop, POLL_MS)
}

/** The reply is sent as the chat's attender; a waiting chat is answered (and so picked up) by the acting operator. */
const replier = (c) => c.attender?.id ?? actingId

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

export function initConsole() {
  initRating({ selected, act })
  $('#console-transfer-to').addEventListener('change', (e) => {
    transferPick = e.currentTarget.value
  })

  $('#console-operator').addEventListener('change', (e) => {
    actingId = e.currentTarget.value
    render()
  })

  $('#console-detail').addEventListener('click', (e) => {
    const action = e.target.closest('button[data-action]')?.dataset.action
    const c = selected()
    if (!action || !c) return
    if (action === 'accept') act(() => zohoApi.accept(c.id, actingId))
    if (action === 'transfer') act(() => zohoApi.transfer(c.id, $('#console-transfer-to').value))
    if (action === 'complete') act(() => zohoApi.complete(c.id))
    if (action === 'miss') act(() => zohoApi.miss(c.id))
  })

  $('#console-compose').addEventListener('submit', (e) => {
    e.preventDefault()
    const c = selected()
    const input = e.currentTarget.elements.text
    const text = input.value.trim()
    if (!c || !text) return
    input.value = ''
    act(() => zohoApi.reply(c.id, replier(c), { text }))
  })

  $('[data-testid="console-reply-file"]').addEventListener('change', async (e) => {
    const file = e.currentTarget.files?.[0]
    e.currentTarget.value = ''
    const c = selected()
    if (!file || !c) return
    act(async () => {
      const base64 = await readBase64(file)
      await zohoApi.reply(c.id, replier(c), {
        file: { name: file.name, contentType: file.type || 'application/octet-stream', base64 },
      })
    })
  })

  loop()
}
