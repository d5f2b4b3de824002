import { Client } from '@botpress/client'
import type { AddressInfo, Server } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import bot from '../../sandbox/bot/index'
import { STATE, TAG } from '../../sandbox/bot/hitl/names'
import { DEFAULT_TEXTS, FIXED_TEXTS } from '../../sandbox/bot/hitl/texts'
import { startBotpressEmulator, type BotpressEmulator } from '../../sandbox/botpress/server'
import { startStack, type Stack } from '../../sandbox/stack'
import { zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'

/**
 * The sandbox bot's HITL part over the bot server protocol (reference/botpress.md §3b), against the Botpress API
 * emulator: each test sets up what the plugin and the integrations would have stored, delivers one event as
 * Botpress does, and reads what the bot wrote.
 */
const BOT_ID = 'bot_plugin_test'
let emulator: BotpressEmulator
let server: Server
let botUrl = ''
const as = (integration?: string) =>
  new Client({
    apiUrl: emulator.url,
    botId: BOT_ID,
    ...(integration ? { integrationId: integration, integrationAlias: integration } : {}),
    retry: { retries: 0 },
  })

beforeAll(async () => {
  emulator = await startBotpressEmulator({ botId: BOT_ID })
  process.env.BP_API_URL = emulator.url // the bot's client reads it for every delivery
  server = (await bot.start(0)) as unknown as Server
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server?.close()
  await emulator?.close()
})

async function deliver(type: string, event: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const res = await fetch(botUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bot-id': BOT_ID,
      'x-bot-user-id': BOT_ID,
      'x-bp-operation': 'event_received',
      'x-bp-type': type,
      'x-bp-configuration': Buffer.from(JSON.stringify(config)).toString('base64'),
    },
    body: JSON.stringify({
      event: { id: `evt_${Math.random().toString(36).slice(2)}`, type, createdAt: new Date().toISOString(), ...event },
    }),
  })
  if (res.status !== 200) throw new Error(`${type} → ${res.status}: ${await res.text()}`)
}

type Setup = Awaited<ReturnType<typeof setUp>>
/** A visitor on webchat and a hitl conversation of the integration, linked as the plugin links them. */
async function setUp() {
  const webchat = as('webchat')
  const zoho = as('zoho-salesiq-hitl')
  const botApi = as()
  const { user: visitor } = await webchat.createUser({ name: 'Alice', tags: {} })
  const { conversation: upstream } = await webchat.createConversation({ channel: 'channel', tags: {} })
  const { user: downstreamUser } = await zoho.createUser({ name: 'Alice', tags: {} })
  const { user: agent } = await zoho.createUser({ name: 'Ada Lovelace', tags: {} })
  const { conversation: downstream } = await zoho.createConversation({ channel: 'hitl', tags: {} })
  await botApi.updateConversation({ id: upstream.id, tags: { [TAG.downstream]: downstream.id } })
  await botApi.updateConversation({ id: downstream.id, tags: { [TAG.upstream]: upstream.id } })
  await botApi.updateUser({ id: visitor.id, tags: { [TAG.downstream]: downstreamUser.id } })
  const setActive = (hitlActive: boolean) =>
    Promise.all(
      [upstream.id, downstream.id].map((id) =>
        botApi.setState({ type: 'conversation', id, name: STATE.hitl, payload: { hitlActive } })
      )
    )
  const messagesOf = async (conversationId: string) =>
    (await botApi.listMessages({ conversationId })).messages.reverse() // oldest first
  const texts = async (conversationId: string) => (await messagesOf(conversationId)).map((m) => m.payload.text)
  const tagsOf = async (id: string) => (await botApi.getConversation({ id })).conversation.tags
  const agentWrites = async (
    payload: Record<string, unknown>,
    type = 'text',
    config = { useHumanAgentInfo: false }
  ) => {
    const { message } = await zoho.createMessage({
      conversationId: downstream.id,
      userId: agent.id,
      type,
      payload,
      tags: {},
    })
    const { user } = await botApi.getUser({ id: agent.id })
    await deliver(
      'message_created',
      {
        payload: { message, user, conversation: downstream },
        conversationId: downstream.id,
        userId: agent.id,
        messageId: message.id,
      },
      config
    )
  }
  const visitorWrites = async (
    text: string,
    config: Record<string, unknown> = {},
    type = 'text',
    payload: Record<string, unknown> = { text }
  ) => {
    const { message } = await webchat.createMessage({
      conversationId: upstream.id,
      userId: visitor.id,
      type,
      payload,
      tags: {},
    })
    await deliver(
      'message_created',
      {
        payload: { message, user: visitor, conversation: upstream },
        conversationId: upstream.id,
        userId: visitor.id,
        messageId: message.id,
      },
      config
    )
  }
  const integrationEvent = (name: string, payload: Record<string, unknown>, config: Record<string, unknown> = {}) =>
    deliver(`zoho-salesiq-hitl:${name}`, { payload, conversationId: downstream.id }, config)
  return {
    botApi,
    visitor,
    upstream,
    downstream,
    downstreamUser,
    agent,
    setActive,
    messagesOf,
    texts,
    tagsOf,
    agentWrites,
    visitorWrites,
    integrationEvent,
  }
}

describe('sandbox bot: the HITL plugin part', () => {
  let s: Setup
  beforeEach(async () => {
    s = await setUp()
  })

  it('drops an agent message and hitlAssigned that arrive while no session is active, for good', async () => {
    await s.integrationEvent('hitlAssigned', { conversationId: s.downstream.id, userId: s.agent.id })
    await s.agentWrites({ text: 'too early' })
    expect(await s.messagesOf(s.upstream.id)).toEqual([])
    expect(await s.texts(s.downstream.id)).toEqual(['too early']) // the bot never answers the agent
    expect((await s.tagsOf(s.downstream.id))[TAG.humanAgentId]).toBeUndefined()

    await s.setActive(true)
    await s.agentWrites({ text: 'in time' })
    expect(await s.texts(s.upstream.id)).toEqual([DEFAULT_TEXTS.onHumanAgentAssignedMessage, 'in time'])

    await s.setActive(false) // ended
    await s.agentWrites({ text: 'too late' })
    await s.integrationEvent('hitlAssigned', { conversationId: s.downstream.id, userId: s.agent.id })
    expect(await s.texts(s.upstream.id)).toEqual([DEFAULT_TEXTS.onHumanAgentAssignedMessage, 'in time'])
  })

  it('announces every hitlAssigned, and tags both conversations with the agent', async () => {
    await s.setActive(true)
    const noLookAlike = { useHumanAgentInfo: false }
    await s.integrationEvent('hitlAssigned', { conversationId: s.downstream.id, userId: s.agent.id }, noLookAlike)
    await s.integrationEvent('hitlAssigned', { conversationId: s.downstream.id, userId: s.agent.id }, noLookAlike)
    expect(await s.texts(s.upstream.id)).toEqual([
      DEFAULT_TEXTS.onHumanAgentAssignedMessage,
      DEFAULT_TEXTS.onHumanAgentAssignedMessage,
    ])
    for (const id of [s.upstream.id, s.downstream.id])
      expect(await s.tagsOf(id)).toMatchObject({ [TAG.humanAgentId]: s.agent.id, [TAG.humanAgentName]: 'Ada Lovelace' })
  })

  it("makes the first agent message's author the agent (announced once), relayed as the bot", async () => {
    await s.setActive(true)
    await s.agentWrites({ text: 'Hello, Ada here' })
    await s.agentWrites({ text: 'How can I help?' })
    const relayed = await s.messagesOf(s.upstream.id)
    expect(relayed.map((m) => m.payload.text)).toEqual([
      DEFAULT_TEXTS.onHumanAgentAssignedMessage,
      'Hello, Ada here',
      'How can I help?',
    ])
    expect(relayed.every((m) => m.userId === BOT_ID && m.direction === 'outgoing')).toBe(true)
    expect(relayed[1].payload.userId).toBeUndefined() // useHumanAgentInfo off: no look-alike user
    expect((await s.tagsOf(s.downstream.id))[TAG.humanAgentId]).toBe(s.agent.id)
  })

  it("answers the agent's unsupported message type in the hitl conversation and relays nothing", async () => {
    await s.setActive(true)
    await s.agentWrites({ title: 'pick', options: [] }, 'choice')
    expect(await s.messagesOf(s.upstream.id)).toEqual([])
    expect(await s.texts(s.downstream.id)).toContain(DEFAULT_TEXTS.onIncompatibleMsgTypeMessage)
  })

  it("gives the bot the visitor's messages while no session is active, the agent's while one is", async () => {
    await s.visitorWrites('hello bot')
    expect((await s.messagesOf(s.upstream.id)).at(-1)?.type).toBe('choice') // the demo brain answered
    await s.setActive(true)
    await s.visitorWrites('hello agent')
    const toAgent = (await s.messagesOf(s.downstream.id)).at(-1)!
    expect(toAgent).toMatchObject({ userId: BOT_ID, payload: { text: 'hello agent', userId: s.downstreamUser.id } })
    expect((await s.messagesOf(s.upstream.id)).filter((m) => m.direction === 'outgoing')).toHaveLength(1)
  })

  it("tells the visitor a type it cannot relay to the agent isn't supported, and relays nothing", async () => {
    await s.setActive(true)
    await s.visitorWrites('', {}, 'location', { latitude: 1, longitude: 2 })
    expect(await s.texts(s.upstream.id)).toEqual([undefined, FIXED_TEXTS.userTypeNotSupported])
    expect(await s.messagesOf(s.downstream.id)).toEqual([])
  })

  it('hitlStopped: one end text, both sides inactive, the flow continues; NULL sends nothing', async () => {
    await s.setActive(true)
    await s.integrationEvent('hitlStopped', { conversationId: s.downstream.id })
    expect(await s.texts(s.upstream.id)).toEqual([DEFAULT_TEXTS.onHitlStoppedMessage])
    for (const id of [s.upstream.id, s.downstream.id]) {
      const { state } = await s.botApi.getState({ type: 'conversation', id, name: STATE.hitl })
      expect(state.payload).toEqual({ hitlActive: false })
    }
    const { events } = await s.botApi.listEvents({ conversationId: s.upstream.id } as never)
    expect(events.map((e) => e.type)).toContain('hitl#continueWorkflow')
    await s.integrationEvent('hitlStopped', { conversationId: s.downstream.id }) // after the end: dropped
    expect(await s.texts(s.upstream.id)).toHaveLength(1)

    const t = await setUp()
    await t.setActive(true)
    await t.integrationEvent('hitlStopped', { conversationId: t.downstream.id }, { onHitlStoppedMessage: 'NULL' })
    expect(await t.messagesOf(t.upstream.id)).toEqual([])
  })
})

describe('sandbox bot: startHitl in the plugin’s order', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({})
    await zoho(stack, 'PUT', `/apps/${stack.zoho.ids.appId}`, { chatAssignment: 'manual', waitingTimeSec: 600 })
  }, 60_000)
  afterAll(async () => stack?.close())

  it('activates the session last, 4 round trips after the integration’s startHitl returned', async () => {
    const v = await new Visitor(stack, 'Olga').start()
    await v.say('talk to a human')
    await v.waitForStatus('waiting')
    await new Promise((r) => setTimeout(r, 300)) // nothing more should follow (the timeout is off)
    // The bot's own calls (no integration headers) in the order they were answered, from its escalation action on
    // (the brain's own call of hitl#startHitl is logged when it returns, after all of them).
    const calls = stack.botpress
      .requests()
      .filter((r) => !r.headers['x-integration-id'] && r.path.startsWith('/v1/'))
      .map((r) => {
        const body = (r.body ?? {}) as Record<string, unknown>
        const what =
          r.path === '/v1/chat/actions'
            ? `action ${String(body.type)}`
            : decodeURIComponent(r.path).replace(/\/(conv|user|msg)_\w+/g, '/:id')
        return `${r.method} ${what}`
      })
      .filter((c) => c !== 'POST action hitl#startHitl')
    const from = calls.indexOf('POST action zoho-salesiq-hitl:createUser') - 6
    expect(calls.slice(from)).toEqual([
      'GET /v1/chat/conversations/:id', // guards: a hitl conversation?
      'GET /v1/chat/states/conversation/:id/hitl#hitl', // already active?
      'GET /v1/chat/messages', // the message that started the last session?
      'POST /v1/chat/states/conversation/:id/hitl#effectiveSessionConfig',
      'POST /v1/chat/messages', // the handoff text
      'GET /v1/chat/users/:id',
      'POST action zoho-salesiq-hitl:createUser',
      'PUT /v1/chat/users/:id', // user tags downstream / upstream (in parallel)
      'PUT /v1/chat/users/:id',
      'GET /v1/chat/messages', // messageHistory
      'POST action zoho-salesiq-hitl:startHitl',
      // after it returned: 1. the hitl conversation, 2. the link (in parallel), 3. the start message, 4. activation
      'GET /v1/chat/conversations/:id',
      'PUT /v1/chat/conversations/:id',
      'PUT /v1/chat/conversations/:id',
      'PUT /v1/chat/conversations/:id',
      'POST /v1/chat/states/conversation/:id/hitl#hitl',
      'POST /v1/chat/states/conversation/:id/hitl#hitl',
    ])
  })
})
