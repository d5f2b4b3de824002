/* global setTimeout */
import { zohoApi } from './api.js'
import { $, showError } from './dom.js'

/**
 * The SalesIQ app's settings in the console bar, on the Zoho emulator's control API: auto-assign, business hours
 * (off = none, always open; open / closed = now inside / outside them) and whether visitors may leave offline
 * messages. The controls follow the emulator, so a change made elsewhere (a test, another tab) shows up too. A line
 * says whether a visitor escalating now would reach an operator, as a bot's `getAvailability` would find out.
 */

const POLL_MS = 1500

let appId
let app = null
let operators = []
/** Bumped when a change starts and ends: a poll that overlapped it may bring stale settings and is dropped. */
let generation = 0

const errorBox = () => $('#console-error')

async function change(patch) {
  generation++
  try {
    app = await zohoApi.setApp(appId, patch)
    showError(errorBox(), null)
  } catch (err) {
    showError(errorBox(), err)
  }
  generation++
  render()
}

async function load() {
  const started = generation
  try {
    const apps = await zohoApi.apps()
    if (started !== generation) return
    app = apps.find((a) => a.id === appId) ?? apps[0] ?? null
    appId = app?.id
    render()
  } catch (err) {
    showError(errorBox(), err)
  }
}

async function loop() {
  await load()
  setTimeout(loop, POLL_MS)
}

/** Says what auto-assign does to the Accept and Let go missed buttons, which only a waiting chat enables. */
function assignmentHint(auto) {
  return auto
    ? 'on: waiting chats go to an available operator (untick to accept by hand)'
    : 'off: waiting chats wait for Accept or Let go missed'
}

/** Whether a chat asked for now reaches an operator, and if not, the first reason (the order getAvailability uses). */
function availability() {
  if (!app) return { canChat: null, text: '' }
  if (!app.enabled) return { canChat: false, text: 'No live chat: the app is off' }
  if (app.businessHours === 'closed') return { canChat: false, text: 'No live chat: outside business hours' }
  const available = operators.filter((o) => o.status === 'available')
  if (!available.length) return { canChat: false, text: 'No live chat: no operator available' }
  const names = available.map((o) => o.first_name).join(', ')
  return { canChat: true, text: `Live chat now: ${available.length} available (${names})` }
}

function render() {
  if (!app) return
  const autoAssign = $('#console-autoassign')
  autoAssign.checked = app.chatAssignment === 'auto_assign'
  $('#console-assign-hint').textContent = assignmentHint(autoAssign.checked)
  $('#console-hours').value = app.businessHours
  $('#console-hours').dataset.state = app.businessHours
  $('#console-offline-on').checked = app.offlineMessages
  const now = availability()
  const line = $('#console-availability')
  line.textContent =
    now.canChat === false ? `${now.text} · offline messages ${app.offlineMessages ? 'on' : 'off'}` : now.text
  line.dataset.canChat = String(now.canChat)
}

/** The console tells which operators it last saw, for the availability line. */
export function noteOperators(list) {
  operators = list
  render()
}

export function initSettings(config) {
  appId = config.zohoIds?.appId
  const autoAssign = $('#console-autoassign')
  autoAssign.addEventListener('change', () => {
    $('#console-assign-hint').textContent = assignmentHint(autoAssign.checked)
    change({ chatAssignment: autoAssign.checked ? 'auto_assign' : 'manual' })
  })
  $('#console-hours').addEventListener('change', (e) => change({ businessHours: e.currentTarget.value }))
  $('#console-offline-on').addEventListener('change', (e) => change({ offlineMessages: e.currentTarget.checked }))
  loop()
}
