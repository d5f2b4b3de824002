/* global setTimeout */
import { zohoApi } from './api.js'
import { $, h, renderIfChanged, showError, time } from './dom.js'
import { shorten } from './labels.js'

/**
 * The offline messages visitors left when nobody could chat (SalesIQ's "leave a message", which a bot files through
 * the integration's `leaveMessage`), newest first, from the Zoho emulator (`/_emulator/offline-messages`). SalesIQ
 * keeps them apart from live chats, so the console lists them apart too.
 */

const POLL_MS = 1500

function contact(visitor) {
  return [visitor.email, visitor.phone].filter(Boolean).join(' · ')
}

function item(m) {
  const who = m.visitor?.name || 'Visitor'
  const reach = contact(m.visitor ?? {})
  return h(
    'li',
    {
      class: 'offline-item',
      dataset: { testid: 'offline-message', id: m.id, visitor: who },
      title: 'Click to show all of it, or less',
      // A long message is cut to a few lines; a click shows it whole.
      onclick: (e) => e.currentTarget.classList.toggle('expanded'),
    },
    h(
      'div',
      { class: 'name', title: reach ? `${who} · ${reach}` : who },
      shorten(who, 28),
      h('span', { class: 'muted when' }, time(m.createdAt))
    ),
    reach ? h('div', { class: 'reach muted', title: reach }, reach) : null,
    h('div', { class: 'text', dataset: { testid: 'offline-message-text' } }, m.message),
    h('div', { class: 'muted dept' }, `to ${m.departmentName || `department ${m.departmentId}`}`)
  )
}

async function refresh() {
  try {
    const messages = await zohoApi.offlineMessages()
    const count = $('#offline-count')
    count.textContent = String(messages.length)
    count.hidden = messages.length === 0
    const list = $('#offline-messages')
    const changed = renderIfChanged(list, messages.map((m) => m.id).join(','), () =>
      messages.length ? messages.map(item) : [h('li', { class: 'muted' }, 'None yet.')]
    )
    if (changed) list.scrollTop = 0 // newest first: a new one is shown
  } catch (err) {
    showError($('#console-error'), err)
  }
}

async function loop() {
  await refresh()
  setTimeout(loop, POLL_MS)
}

export function initOfflineMessages() {
  loop()
}
