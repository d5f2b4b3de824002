/* global sessionStorage, setTimeout */
import { visitorApi } from './api.js'
import { $, h, renderIfChanged, showError, time } from './dom.js'
import { nameConversation, shorten } from './labels.js'

/**
 * The visitor's side: plays Botpress webchat. Starts a visitor, sends text/files/choice answers, and polls the
 * conversation (messages + the HITL session's status) every 500 ms. Who wrote each message comes from the visitor
 * API (`author`, `authorName`: an agent's message by the identity webchat shows, the plugin's texts as the bot); the
 * page never guesses it from the text.
 */

const STORE_KEY = 'sandbox.visitor'
const POLL_MS = 500

let visitor = load() // { userId, conversationId, name, escalated }
let lastStatus = 'bot'

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null')
  } catch {
    return null
  }
}
function save() {
  if (visitor) sessionStorage.setItem(STORE_KEY, JSON.stringify(visitor))
  else sessionStorage.removeItem(STORE_KEY)
}

/** The status line: talking to the bot / waiting for an agent / agent <name> joined / back to the bot. */
function statusLine(status) {
  switch (status.status) {
    case 'starting':
    case 'waiting':
      return { key: 'waiting', text: 'Waiting for an agent…' }
    case 'agent':
      return { key: 'agent', text: `Agent ${status.agentName ?? '(unknown)'} joined` }
    default:
      return visitor.escalated
        ? { key: 'back-to-bot', text: 'Back to the bot' }
        : { key: 'bot', text: 'Talking to the bot' }
  }
}

function messageBody(m, isLastChoice) {
  const p = m.payload ?? {}
  switch (m.type) {
    case 'text':
      return [h('div', { class: 'text' }, p.label ?? p.text ?? '')]
    case 'choice':
    case 'dropdown':
      return [
        h('div', { class: 'text' }, p.text ?? ''),
        h(
          'div',
          { class: 'choices' },
          (p.options ?? []).map((o) =>
            h(
              'button',
              {
                type: 'button',
                dataset: { testid: 'choice-option', value: o.value },
                disabled: !isLastChoice,
                onclick: () => send(() => visitorApi.sendChoice(visitor.conversationId, visitor.userId, o)),
              },
              o.label ?? o.value
            )
          )
        ),
      ]
    case 'image':
      return [
        h(
          'a',
          { href: p.imageUrl, target: '_blank', rel: 'noopener' },
          h('img', { src: p.imageUrl, alt: p.title ?? 'image', class: 'inline-image' })
        ),
        p.title ? h('div', { class: 'caption', title: p.title }, shorten(p.title)) : null,
      ]
    case 'file':
      return [
        h(
          'a',
          {
            href: p.fileUrl,
            target: '_blank',
            rel: 'noopener',
            class: 'file-link',
            title: p.title ?? p.fileUrl,
            dataset: { testid: 'file-link' },
          },
          `File: ${shorten(p.title ?? p.fileUrl)}`
        ),
      ]
    case 'video':
    case 'audio':
      return [
        h(
          'a',
          { href: p[`${m.type}Url`], target: '_blank', rel: 'noopener', title: p.title ?? p[`${m.type}Url`] },
          `${m.type}: ${shorten(p.title ?? p[`${m.type}Url`])}`
        ),
      ]
    default:
      return [h('pre', { class: 'raw' }, `${m.type}: ${JSON.stringify(p)}`)]
  }
}

/** "Ada Lovelace · agent", the bot's name, or the visitor's: as the visitor API names the author. */
function authorLine(m) {
  if (m.author === 'agent') return `${m.authorName ?? 'Agent'} · agent`
  if (m.author === 'bot') return m.authorName || 'Bot'
  return m.authorName ?? visitor.name
}

function renderMessages(messages, status) {
  const lastChoice = [...messages].reverse().find((m) => m.author !== 'visitor')
  const choicesLive = status.status === 'bot'
  const key = `${messages.map((m) => `${m.id}${m.failed ? '!' : ''}`).join(',')}|${choicesLive}`
  renderIfChanged($('#visitor-messages'), key, () =>
    messages.map((m) =>
      h(
        'li',
        {
          class: `msg from-${m.author}${m.failed ? ' failed' : ''}`,
          dataset: { testid: 'visitor-message', author: m.author, authorName: m.authorName ?? '' },
        },
        h('div', { class: 'meta' }, authorLine(m), ' · ', time(m.createdAt)),
        ...messageBody(m, choicesLive && m === lastChoice),
        m.failed
          ? h(
              'div',
              { class: 'failed-note', dataset: { testid: 'visitor-message-failed' } },
              `Not delivered: ${m.failed}`
            )
          : null
      )
    )
  )
}

function renderStatus(status) {
  if (status.status !== 'bot') visitor.escalated = true
  nameConversation(visitor.conversationId, `${visitor.name} webchat`)
  if (status.hitlConversationId) nameConversation(status.hitlConversationId, `${visitor.name} hitl`)
  const line = statusLine(status)
  const el = $('#visitor-status')
  el.textContent = line.text
  el.dataset.status = line.key
  $('#visitor-compose').elements.text.placeholder =
    status.status === 'agent' ? `Type a message to ${status.agentName ?? 'the agent'}` : 'Type a message'
  if (status.status !== lastStatus) save()
  lastStatus = status.status
}

let pollGeneration = 0
async function poll(generation) {
  if (generation !== pollGeneration || !visitor) return
  try {
    const { messages, status } = await visitorApi.read(visitor.conversationId)
    if (generation !== pollGeneration) return
    renderStatus(status)
    renderMessages(messages, status)
    showError($('#visitor-error'), null)
  } catch (err) {
    showError($('#visitor-error'), err)
  } finally {
    setTimeout(() => poll(generation), POLL_MS)
  }
}

function refreshSoon() {
  // An extra read right after sending, on top of the steady poll.
  const generation = pollGeneration
  visitorApi
    .read(visitor.conversationId)
    .then(({ messages, status }) => {
      if (generation !== pollGeneration) return
      renderStatus(status)
      renderMessages(messages, status)
    })
    .catch(() => undefined)
}

async function send(action) {
  try {
    await action()
    showError($('#visitor-error'), null)
    refreshSoon()
  } catch (err) {
    showError($('#visitor-error'), err)
  }
}

function showChat() {
  $('#visitor-start').hidden = !!visitor
  $('#visitor-chat').hidden = !visitor
  if (!visitor) return
  $('#visitor-who').textContent = visitor.name
  $('#visitor-messages').replaceChildren()
  delete $('#visitor-messages').dataset.renderKey
  lastStatus = 'bot'
  pollGeneration++
  poll(pollGeneration)
  $('#visitor-compose').elements.text.focus()
}

export function initVisitor() {
  $('#visitor-start').addEventListener('submit', async (e) => {
    e.preventDefault()
    const form = e.currentTarget
    const name = form.elements.name.value.trim()
    const email = form.elements.email.value.trim()
    try {
      const { userId, conversationId } = await visitorApi.start(name, email)
      visitor = { userId, conversationId, name, escalated: false }
      save()
      showChat()
    } catch (err) {
      showError($('#visitor-error'), err)
    }
  })

  $('#visitor-compose').addEventListener('submit', (e) => {
    e.preventDefault()
    const input = e.currentTarget.elements.text
    const text = input.value.trim()
    if (!text) return
    input.value = ''
    send(() => visitorApi.sendText(visitor.conversationId, visitor.userId, text))
  })

  $('[data-testid="visitor-file"]').addEventListener('change', (e) => {
    const file = e.currentTarget.files?.[0]
    e.currentTarget.value = ''
    if (file) send(() => visitorApi.sendFile(visitor.conversationId, visitor.userId, file))
  })

  $('#visitor-reset').addEventListener('click', () => {
    visitor = null
    save()
    pollGeneration++
    showChat()
  })

  showChat()
}
