import { generateKeyPairSync, sign } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DELIVERY_WAIT_MS } from '../../src/webhook/wait-for-plugin'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { actionOk, botClient, openChat, waitFor } from '../harness/helpers'

/**
 * SalesIQ → Botpress, through the real path: the Zoho emulator delivers signed webhooks to the public webhook URL,
 * the ingress forwards them as `webhook_received` to two instances of the built integration (round-robin), and the
 * test reads what reached the Botpress API emulator.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
let base: Record<string, unknown>

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

beforeAll(async () => {
  stack = await startStack({
    bot: false,
    instances: 2,
    zohoSettings: { autoAssignDelayMs: 60_000, webhookRetryIntervalMs: 300 },
  })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
  base = { ...stack.configuration }
})
afterAll(async () => stack?.close())
beforeEach(async () => {
  stack.pool.configuration = { ...base }
  stack.botpress.faults.clear()
  await zoho.clearFaults()
  await zoho.setSettings({ autoAssignDelayMs: 60_000 })
})

const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
const eventsOf = (conversationId: string, type?: string) =>
  bot().events.filter((e) => e.conversationId === conversationId && (!type || e.type === type))
const messagesOf = (conversationId: string) => bot().messages.filter((m) => m.conversationId === conversationId)
const counts = () => {
  const b = bot()
  return {
    users: b.users.length,
    conversations: b.conversations.length,
    messages: b.messages.length,
    events: b.events.length,
  }
}
const operatorId = () => stack.zoho.ids.availableOperatorId

const delivered = (event: string, chatId: string, count = 1) =>
  waitFor(`${count} answered ${event} for ${chatId}`, async () => {
    const list = (await zoho.deliveries({ event, entityId: chatId })).filter((d) => d.status !== null)
    return list.length >= count ? list : undefined
  })

const operatorUser = (id: string) => bot().users.find((u) => u.tags.operatorId === id)

/** What the HITL plugin writes once it has handled hitlAssigned (no operator message is held back after it). */
async function pluginStoresAgent(conversationId: string, agentUserId: string) {
  await botClient(stack).updateConversation({
    id: conversationId,
    tags: { 'hitl#upstream': 'conv_upstream', 'hitl#humanAgentId': agentUserId },
  })
}

async function assignedChat(name: string) {
  const chat = await openChat(stack, name)
  await zoho.accept(chat.chatId, operatorId())
  const [assigned] = await waitFor(
    'hitlAssigned',
    async () => eventsOf(chat.conversationId, 'hitlAssigned')[0] && eventsOf(chat.conversationId, 'hitlAssigned')
  )
  await pluginStoresAgent(chat.conversationId, String(assigned!.payload.userId))
  return chat
}

describe('authentication', () => {
  it('refuses unsigned and forged deliveries with 401, and nothing happens', async () => {
    const chat = await assignedChat('Forge')
    const body = JSON.stringify({
      event: 'conversation.operator.replied',
      entity_id: chat.chatId,
      event_time: String(Date.now()),
      attempt: 1,
      version: 1,
      entity: {
        id: chat.chatId,
        message: { msgid: 'forged-1', text: 'send me your password', sender: { id: operatorId(), type: 'operator' } },
      },
    })
    const before = counts()
    const post = (headers: Record<string, string>) =>
      fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    expect((await post({})).status).toBe(401)
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const forged = sign('sha256', Buffer.from(body), foreign.privateKey).toString('base64')
    expect((await post({ 'x-siqsignature': forged })).status).toBe(401)
    expect((await post({ 'x-siqsignature': 'garbage' })).status).toBe(401)
    expect(counts()).toEqual(before)
  })

  it('with a key pasted in the configuration (manual setup): accepts its signatures; garbage gets 400', async () => {
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 })
    stack.pool.configuration = {
      ...base,
      webhookPublicKey: own.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    }
    const post = (body: string) =>
      fetch(stack.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-siqsignature': sign('sha256', Buffer.from(body), own.privateKey).toString('base64'),
        },
        body,
      })
    expect((await post('not json')).status).toBe(400)
    expect((await post('{"no":"event"}')).status).toBe(400)
    expect(
      (
        await post(
          JSON.stringify({ event: 'conversation.rated', entity_id: '1', version: '1', entity: { rating: '5' } })
        )
      ).status
    ).toBe(200)
  })
})

describe('assignment', () => {
  it('attender.updated: the operator becomes a Botpress user of its own and hitlAssigned fires with it', async () => {
    const chat = await openChat(stack, 'Alice')
    await zoho.accept(chat.chatId, operatorId())
    await waitFor('hitlAssigned', async () => eventsOf(chat.conversationId, 'hitlAssigned')[0])
    const user = operatorUser(operatorId())!
    expect(user).toBeDefined()
    expect(user.name).toBeTruthy()
    expect(user.id).not.toBe(chat.userId)
    const [event] = eventsOf(chat.conversationId, 'hitlAssigned')
    expect(event!.payload).toEqual({ conversationId: chat.conversationId, userId: user.id })
  })

  it('a transfer re-assigns: hitlAssigned again, with the new operator', async () => {
    const chat = await assignedChat('Bob')
    const other = await zoho.addOperator({
      firstName: 'Tess',
      lastName: 'Transfer',
      email: 'Tess@Example.com',
      status: 'available',
    })
    await zoho.transfer(chat.chatId, { operatorId: String(other.id), resolve: 'accept' })
    await waitFor('second hitlAssigned', async () => eventsOf(chat.conversationId, 'hitlAssigned').length >= 2)
    const second = eventsOf(chat.conversationId, 'hitlAssigned')[1]!
    const tess = operatorUser(String(other.id))!
    expect(second.payload.userId).toBe(tess.id)
    expect(tess.name).toBe('Tess Transfer')
  })

  it('an attender.updated that arrives before startHitl returned still reaches the plugin, after it returned', async () => {
    await zoho.setSettings({ autoAssignDelayMs: 0 })
    // Botpress is slow to create the conversation: SalesIQ's assignment arrives while startHitl is still running.
    stack.botpress.faults.add({
      path: '/v1/chat/conversations/get-or-create',
      method: 'POST',
      latencyMs: 700,
      count: 1,
    })
    const due: Array<{ at: number; conversationId?: string; type: string }> = []
    const onDue = (e: { event: { type: string; conversationId?: string } }) => due.push({ at: Date.now(), ...e.event })
    stack.botpress.events.on('event.due', onDue)
    try {
      const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Early' })
      const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
        userId,
        messageHistory: [],
      })
      const returnedAt = Date.now()
      const chatId = bot().conversations.find((c) => c.id === conversationId)!.tags.chatId!
      const [delivery] = await delivered('conversation.attender.updated', chatId)
      expect(delivery!.time).toBeLessThan(returnedAt)
      const assigned = await waitFor('hitlAssigned due', async () =>
        due.find((e) => e.type === 'hitlAssigned' && e.conversationId === conversationId)
      )
      expect(assigned.at).toBeGreaterThanOrEqual(returnedAt)
      expect(eventsOf(conversationId, 'hitlAssigned')).toHaveLength(1)
    } finally {
      stack.botpress.events.off('event.due', onDue)
    }
  })
})

describe('operator messages', () => {
  it('text is created in the hitl conversation as the operator', async () => {
    const chat = await assignedChat('Carol')
    await zoho.operatorReply(chat.chatId, { text: 'Hello Carol, how can I help?' })
    const msg = await waitFor('message', async () => messagesOf(chat.conversationId).find((m) => m.type === 'text'))
    expect(msg.payload).toEqual({ text: 'Hello Carol, how can I help?' })
    expect(msg.userId).toBe(operatorUser(operatorId())!.id)
    expect(msg.userId).not.toBe(chat.userId)
  })

  it('the same delivery twice (two instances at once) gives one message', async () => {
    const chat = await assignedChat('Dave')
    await zoho.addWebhookFault({ action: 'duplicate', event: 'conversation.operator.replied', count: 1 })
    await zoho.operatorReply(chat.chatId, { text: 'only once' })
    const list = await delivered('conversation.operator.replied', chat.chatId, 2)
    expect(list.every((d) => d.status === 200)).toBe(true)
    await new Promise((r) => setTimeout(r, 200))
    expect(messagesOf(chat.conversationId).filter((m) => m.type === 'text')).toHaveLength(1)
  })

  it('a delivery that failed on the Botpress side is redelivered by SalesIQ and relayed once', async () => {
    const chat = await assignedChat('Erin')
    stack.botpress.faults.add({ path: '/v1/chat/messages/get-or-create', method: 'POST', status: 500, count: 1 })
    await zoho.operatorReply(chat.chatId, { text: 'second time lucky' })
    const list = await delivered('conversation.operator.replied', chat.chatId, 2)
    expect(list.map((d) => d.status).sort()).toEqual([200, 500])
    expect(messagesOf(chat.conversationId).filter((m) => m.type === 'text')).toHaveLength(1)
  })

  it('an image that needs Zoho auth is re-hosted through Botpress files and sent as an image', async () => {
    const chat = await assignedChat('Fay')
    await zoho.operatorReply(chat.chatId, { file: { name: 'screenshot.png', contentType: 'image/png', data: PNG } })
    const msg = await waitFor('image', async () => messagesOf(chat.conversationId).find((m) => m.type === 'image'))
    expect(msg.userId).toBe(operatorUser(operatorId())!.id)
    const url = String(msg.payload.imageUrl)
    expect(url.startsWith(stack.botpress.url)).toBe(true)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true)
  })

  it('a file SalesIQ will not hand over still reaches the user, as a text naming it', async () => {
    const chat = await assignedChat('Gus')
    await zoho.addFault({ path: '/api/v2/*/attachments/*', status: 500, count: 10 })
    await zoho.operatorReply(chat.chatId, {
      file: { name: 'invoice.pdf', contentType: 'application/pdf', data: '%PDF-1.4' },
    })
    const msg = await waitFor('text', async () => messagesOf(chat.conversationId).find((m) => m.type === 'text'))
    expect(String(msg.payload.text)).toContain('invoice.pdf')
  })
})

describe('end of the chat', () => {
  it('completed: hitlStopped once, even when redelivered; the integration posts nothing itself by default', async () => {
    const chat = await assignedChat('Hank')
    await zoho.addWebhookFault({ action: 'duplicate', event: 'conversation.completed', count: 1 })
    await zoho.complete(chat.chatId)
    await delivered('conversation.completed', chat.chatId, 2)
    await waitFor('hitlStopped', async () => eventsOf(chat.conversationId, 'hitlStopped')[0])
    await new Promise((r) => setTimeout(r, 200))
    expect(eventsOf(chat.conversationId, 'hitlStopped')).toHaveLength(1)
    expect(messagesOf(chat.conversationId)).toHaveLength(0) // the plugin's own end notice is the one the user reads
  })

  it('rated is acknowledged and adds only its chatRated event (test/integration/chat-rated.test.ts)', async () => {
    const chat = await assignedChat('Jack')
    await zoho.complete(chat.chatId)
    await waitFor('hitlStopped', async () => eventsOf(chat.conversationId, 'hitlStopped')[0])
    const before = counts()
    await zoho.rate(chat.chatId, 5, 'great')
    const [rated] = await delivered('conversation.rated', chat.chatId)
    expect(rated!.status).toBe(200)
    expect(counts()).toEqual({ ...before, events: before.events + 1 })
    expect(eventsOf(chat.conversationId, 'chatRated')).toHaveLength(1)
  })
})

describe('chats this integration did not open', () => {
  it('are acknowledged; no user, conversation, message or event is created', async () => {
    const token = await zoho.accessToken()
    const res = await fetch(`${stack.zoho.url}/api/visitor/v1/${stack.zoho.credentials.screenName}/conversations`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        app_id: stack.zoho.ids.appId,
        department_id: stack.zoho.ids.supportDepartmentId,
        question: 'from the website widget',
        visitor: { user_id: 'web-visitor-1', name: 'Web Visitor' },
      }),
    })
    const chatId = String(((await res.json()) as { data: { conversation_id: string } }).data.conversation_id)
    const before = counts()
    await zoho.accept(chatId, operatorId())
    await zoho.operatorReply(chatId, { text: 'hello stranger' })
    await zoho.complete(chatId)
    for (const event of ['conversation.attender.updated', 'conversation.operator.replied', 'conversation.completed']) {
      const [d] = await delivered(event, chatId)
      expect(d!.status).toBe(200)
    }
    expect(counts()).toEqual(before)
  })
})

describe('deliveries overall', () => {
  it('are all answered well within 5 s', async () => {
    const answered = (await zoho.deliveries()).filter((d) => d.status !== null)
    expect(answered.length).toBeGreaterThan(10)
    // An early one waits for the plugin 3 s at most (DELIVERY_WAIT_MS): with no bot here, it never links.
    for (const d of answered) expect(d.durationMs).toBeLessThan(DELIVERY_WAIT_MS + 1000)
  })

  it('no secret reaches a log line', () => {
    const out = stack.pool.output()
    expect(out).not.toContain(stack.zoho.credentials.clientSecret)
    expect(out).not.toContain(stack.zoho.credentials.refreshToken)
    expect(out).not.toMatch(/Zoho-oauthtoken \S+/)
  })
})
