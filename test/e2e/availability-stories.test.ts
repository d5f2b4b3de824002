import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import {
  DEMO_TEXTS,
  expectedWaitText,
  LEAVE_MESSAGE_VALUE,
  missedChatReply,
  NOT_NOW_VALUE,
  offerMessageReply,
} from '../../sandbox/bot/replies'
import { startStack, type Stack } from '../../sandbox/stack'
import { botClient, waitFor, zoho } from '../harness/helpers'
import { Visitor, type ChatMessage } from '../harness/visitor'

/**
 * The demo brain before and after a chat (issue #17), through the whole sandbox: the visitor asks for a human, the
 * bot asks the integration's getAvailability, and then either tells the expected wait and escalates, or says why
 * nobody can chat and files the visitor's next text as a SalesIQ offline message; after a rated chat it thanks the
 * visitor once. Each SalesIQ state is set through the Zoho emulator's control API, on a stack of its own (the
 * integration reuses an availability answer for 5 s).
 */
const WAIT = 15_000
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

type Setup = (s: Stack) => Promise<unknown>
async function stackWith(setup: Setup): Promise<Stack> {
  const stack = await startStack({})
  const { appId } = stack.zoho.ids
  await zoho(stack, 'PUT', `/apps/${appId}`, { chatAssignment: 'manual', waitingTimeSec: 600 })
  await setup(stack)
  return stack
}
const operators = (status: string) => async (s: Stack) => {
  const { availableOperatorId, busyOperatorId, offlineOperatorId } = s.zoho.ids
  for (const id of [availableOperatorId, busyOperatorId, offlineOperatorId])
    await zoho(s, 'PUT', `/operators/${id}`, { status, maxConcurrentChats: 50 })
}

let nobody: Stack // every operator offline
let closed: Stack // operators available, outside business hours
let online: Stack // operators available
let failing: Stack // operators available, but SalesIQ refuses the operators list
beforeAll(async () => {
  ;[nobody, closed, online, failing] = await Promise.all([
    stackWith(operators('offline')),
    stackWith(async (s) => {
      await operators('available')(s)
      await zoho(s, 'PUT', `/apps/${s.zoho.ids.appId}`, { businessHours: 'closed' })
    }),
    stackWith(operators('available')),
    stackWith(async (s) => {
      await operators('available')(s)
      await zoho(s, 'POST', '/faults', { method: 'GET', path: '*/operators*', status: 400, count: 50 })
    }),
  ])
}, 60_000)
afterAll(async () => {
  await Promise.all([nobody, closed, online, failing].map((s) => s?.close()))
})

let n = 0
/** A new visitor, `<name><n>`, with the email `<name><n>@example.com` (lower case). */
const visitor = (stack: Stack, name: string) => {
  const unique = `${name}${++n}`
  return new Visitor(stack, unique).start(`${unique.toLowerCase()}@example.com`)
}
const seenText = (v: Visitor, text: string) => v.waitForMessage(`"${text}"`, (m) => m.payload.text === text, WAIT)
const texts = async (v: Visitor) => (await v.view()).messages.map((m: ChatMessage) => m.payload.text as string)
const chatsOf = async (stack: Stack, v: Visitor) =>
  (await zoho<any[]>(stack, 'GET', '/conversations')).filter((c) => c.visitor?.name === v.name)
/** Lets late deliveries land before checking that something did not happen. */
const settle = () => new Promise((r) => setTimeout(r, 1500))

describe.concurrent('before escalating: availability, offline messages, ratings', { timeout: 40_000 }, () => {
  it('nobody online: the visitor is offered to leave a message, leaves one, SalesIQ files it on their visitor; no chat', async () => {
    const v = await visitor(nobody, 'Nora')
    await v.say('talk to a human')
    const offer = offerMessageReply('no-operator-online').payload.text as string
    await seenText(v, offer)
    await v.say('Please call me back about order 42')
    await seenText(v, DEMO_TEXTS.messageLeft)

    const [left] = (await zoho<any[]>(nobody, 'GET', '/offline-messages')).filter(
      (m) => m.message === 'Please call me back about order 42'
    )
    expect(left).toBeDefined()
    // The SalesIQ visitor is the one the plugin's escalations use: the visitor's downstream user (made by createUser).
    const bp = botClient(nobody)
    const { user } = await bp.getUser({ id: v.userId })
    const downstreamId = user.tags['hitl#downstream']
    expect(downstreamId).toBeTruthy()
    const { user: downstream } = await bp.getUser({ id: downstreamId! })
    expect(downstream.tags['hitl#upstream']).toBe(v.userId)
    expect(left.visitor).toMatchObject({
      userId: downstream.tags.visitorId,
      name: v.name,
      email: `${v.name.toLowerCase()}@example.com`,
    })
    expect(left.visitor.userId).toMatch(/^botpress-/)

    // No live chat was opened (the message itself is stored by SalesIQ as a missed chat that nobody is offered).
    expect((await chatsOf(nobody, v)).filter((c) => c.id !== left.id)).toEqual([])
    // Only the next text was taken: the bot answers as usual again.
    await v.say('hello again')
    await v.waitForMessage('the usual answer', (m) => m.type === 'choice' && /hello again/.test(m.payload.text), WAIT)
    await settle()
    const view = await v.view()
    expect(view.status.status).toBe('bot')
    expect(view.messages.map((m) => m.payload.text)).not.toContain(DEFAULT_TEXTS.onHitlHandoffMessage)
    expect(
      (await zoho<any[]>(nobody, 'GET', '/offline-messages')).filter((m) => m.visitor.name === v.name)
    ).toHaveLength(1)
  })

  it('operators online: the visitor reads the expected wait, then the plugin’s handoff text', async () => {
    const v = await visitor(online, 'Olga')
    await v.say('talk to a human')
    await seenText(v, DEFAULT_TEXTS.onHitlHandoffMessage)
    await waitFor('the SalesIQ chat', async () => (await chatsOf(online, v))[0], WAIT)
    await v.waitForStatus('waiting', WAIT)
    const all = await texts(v)
    expect(all).toEqual(['talk to a human', expectedWaitText(600), DEFAULT_TEXTS.onHitlHandoffMessage])
    expect(expectedWaitText(600)).toContain('10 minutes') // the app's waiting time, 600 s
  })

  it('outside business hours: says so, asks for a text; "Not now" leaves no message and opens no chat', async () => {
    const v = await visitor(closed, 'Hugo')
    await v.say('can I talk to an agent?')
    await seenText(v, offerMessageReply('outside-business-hours').payload.text as string)
    await v.sendFile('note.png', PNG, 'image/png') // not a message to leave
    await seenText(v, DEMO_TEXTS.textOnly)
    await v.say(NOT_NOW_VALUE)
    await seenText(v, DEMO_TEXTS.notNow)
    await settle()
    expect(await chatsOf(closed, v)).toEqual([])
    expect((await zoho<any[]>(closed, 'GET', '/offline-messages')).filter((m) => m.visitor.name === v.name)).toEqual([])
    expect(await texts(v)).not.toContain(DEFAULT_TEXTS.onHitlHandoffMessage)
  })

  it('a rated chat: the visitor reads the thanks once, even for stars and then feedback', async () => {
    const v = await visitor(online, 'Rita')
    await v.say('talk to a human')
    const chat = await waitFor('the SalesIQ chat', async () => (await chatsOf(online, v))[0], WAIT)
    await v.waitForStatus('waiting', WAIT)
    await zoho(online, 'POST', `/conversations/${chat.id}/accept`, { operatorId: online.zoho.ids.availableOperatorId })
    await v.waitForStatus('agent', WAIT)
    await zoho(online, 'POST', `/conversations/${chat.id}/complete`, {})
    await seenText(v, DEFAULT_TEXTS.onHitlStoppedMessage)
    expect(await texts(v)).not.toContain(DEMO_TEXTS.thanks)

    await zoho(online, 'POST', `/conversations/${chat.id}/rate`, { rating: 5 })
    await seenText(v, DEMO_TEXTS.thanks)
    await zoho(online, 'POST', `/conversations/${chat.id}/rate`, { feedback: 'Very helpful' })
    const bp = botClient(online)
    const { hitlConversationId } = (await v.view()).status
    await waitFor(
      'both chatRated events handled by the bot',
      async () => {
        const { events } = await bp.listEvents({ conversationId: hitlConversationId } as never)
        return events.filter((e) => e.type === 'chatRated' && e.status === 'processed').length === 2
      },
      WAIT
    )
    await settle()
    expect((await texts(v)).filter((t) => t === DEMO_TEXTS.thanks)).toHaveLength(1)
  })

  it('a missed chat: the bot offers a button to leave a message; the visitor’s next words are not taken unasked', async () => {
    const v = await visitor(online, 'Mona')
    await v.say('talk to a human')
    const chat = await waitFor('the SalesIQ chat', async () => (await chatsOf(online, v))[0], WAIT)
    await v.waitForStatus('waiting', WAIT)
    await zoho(online, 'POST', `/conversations/${chat.id}/miss`, {})
    const offer = await seenText(v, missedChatReply().payload.text as string)
    expect(offer.payload.options).toEqual(missedChatReply().payload.options)
    await v.waitForStatus('bot', WAIT)
    await v.say(LEAVE_MESSAGE_VALUE) // the button
    await seenText(v, DEMO_TEXTS.askForMessage)
    await v.say('I waited, please email me')
    await seenText(v, DEMO_TEXTS.messageLeft)
    const left = (await zoho<any[]>(online, 'GET', '/offline-messages')).filter((m) => m.visitor.name === v.name)
    expect(left.map((m) => m.message)).toEqual(['I waited, please email me'])
    // the same SalesIQ visitor as the missed chat
    const { user } = await botClient(online).getUser({ id: v.userId })
    const { user: downstream } = await botClient(online).getUser({ id: user.tags['hitl#downstream']! })
    expect(left[0].visitor.userId).toBe(downstream.tags.visitorId)
  })

  it('a failed availability check does not block the visitor: the bot escalates anyway', async () => {
    const v = await visitor(failing, 'Fred')
    await v.say('talk to a human')
    await seenText(v, DEFAULT_TEXTS.onHitlHandoffMessage)
    await waitFor('the SalesIQ chat', async () => (await chatsOf(failing, v))[0], WAIT)
    expect(await texts(v)).toEqual(['talk to a human', DEFAULT_TEXTS.onHitlHandoffMessage])
    const refused = await zoho<any[]>(failing, 'GET', '/requests?method=GET&path=/operators')
    expect(refused.some((r) => r.fault)).toBe(true) // the check did run, and failed
  })
})
