/* global FileReader, setTimeout, URL */
import { zohoApi } from './api.js'
import { $, h, renderIfChanged, showError, time } from './dom.js'

/**
 * The SalesIQ-like operator console, on the Zoho emulator's control API (/api/zoho → /_emulator): operators and
 * their availability, the chats (waiting, open, closed), and the selected chat's transcript and actions.
 */

const POLL_MS = 700
const STATUSES = ['available', 'busy', 'offline']
const STATE_LABEL = { waiting: 'Waiting', connected: 'Open', ended: 'Ended', missed: 'Missed' }
const OPEN = new Set(['waiting', 'connected'])

let appId
let operators = []
let chats = []
let selectedId = null
let actingId = null

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

function renderChats() {
  const ordered = [...chats].sort((a, b) => {
    const open = Number(OPEN.has(b.state)) - Number(OPEN.has(a.state))
    return open || Number(b.start_time) - Number(a.start_time)
  })
  const key = JSON.stringify([selectedId, ordered.map((c) => [c.id, c.state, c.attender?.id, !!c.pending_transfer])])
  renderIfChanged($('#console-chats'), key, () =>
    ordered.length === 0
      ? [h('li', { class: 'muted' }, 'No chats yet.')]
      : ordered.map((c) =>
          h(
            'li',
            {
              class: `chat-item ${c.state}${c.id === selectedId ? ' selected' : ''}`,
              dataset: { testid: 'console-chat', id: c.id, state: c.state, visitor: c.visitor?.name ?? '' },
              onclick: () => {
                selectedId = c.id
                render()
              },
            },
            h('div', { class: 'name' }, c.visitor?.name ?? 'Visitor'),
            h('div', { class: 'question' }, c.question ?? ''),
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
            title: 'SalesIQ attachment',
          },
          `File: ${file.name} (${Math.ceil((file.size ?? 0) / 1024)} KB)`
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

  const targets = operators.filter((o) => o.id !== c.attender?.id)
  const transferTo = $('#console-transfer-to')
  const previous = transferTo.value
  renderIfChanged(transferTo, JSON.stringify([c.attender?.id, targets.map((o) => [o.id, o.status])]), () =>
    targets.map((o) => h('option', { value: o.id }, `${fullName(o)} (${o.status})`))
  )
  if (targets.some((o) => o.id === previous)) transferTo.value = previous

  const replyAs = c.attender?.name ?? fullName(operatorById(actingId) ?? { first_name: '?', last_name: '' })
  $('#console-compose').elements.text.placeholder = open
    ? `Reply as ${replyAs}`
    : `This chat is ${STATE_LABEL[c.state].toLowerCase()}`
  renderIfChanged($('#console-messages'), `${c.id}|${c.messages.map((m) => m.msgid).join(',')}`, () =>
    c.messages.map(messageItem)
  )
}

function render() {
  renderOperators()
  renderChats()
  renderDetail()
}

async function refresh() {
  try {
    ;[operators, chats] = await Promise.all([zohoApi.operators(), zohoApi.conversations()])
    // Pick the newest open chat when none is selected, as SalesIQ pops a new chat up.
    if (!selected())
      selectedId =
        chats.filter((c) => OPEN.has(c.state)).sort((a, b) => Number(b.start_time) - Number(a.start_time))[0]?.id ??
        null
    render()
  } catch (err) {
    showError(errorBox(), err)
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

async function loadAssignment(checkbox) {
  try {
    const apps = await zohoApi.app()
    const app = apps.find((a) => a.id === appId) ?? apps[0]
    appId = app?.id
    checkbox.checked = app?.chat_assignment === 'auto_assign'
  } catch (err) {
    showError(errorBox(), err)
  }
}

export function initConsole(config) {
  appId = config.zohoIds?.appId
  const autoAssign = $('#console-autoassign')
  loadAssignment(autoAssign)
  autoAssign.addEventListener('change', () =>
    act(() => zohoApi.setApp(appId, { chatAssignment: autoAssign.checked ? 'auto_assign' : 'manual' }))
  )

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
