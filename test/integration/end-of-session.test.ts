import { generateKeyPairSync, sign } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CALL_MARGIN_MS } from '../../src/hitl/hold-back'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { botClient, openChat, waitFor } from '../harness/helpers'

/**
 * The end of a session as the HITL plugin needs it: the plugin speaks to the visitor, so the integration posts nothing
 * on an unassigned hitl conversation (its author would become "the agent") and its own end texts are opt-in, sent only
 * while an operator is assigned. A missed chat is announced with the integration's own `chatMissed` first.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
let base: Record<string, unknown>

beforeAll(async () => {
  stack = await startStack({ bot: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
  base = { ...stack.configuration }
})
afterAll(async () => stack?.close())
beforeEach(() => {
  stack.pool.configuration = { ...base }
})

const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
const eventsOf = (conversationId: string) => bot().events.filter((e) => e.conversationId === conversationId)
const messagesOf = (conversationId: string) => bot().messages.filter((m) => m.conversationId === conversationId)

async function assignedChat(name: string) {
  const chat = await openChat(stack, name)
  await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
  const assigned = await waitFor('hitlAssigned', async () =>
    eventsOf(chat.conversationId).find((e) => e.type === 'hitlAssigned')
  )
  // What the plugin writes once it handled hitlAssigned.
  await botClient(stack).updateConversation({
    id: chat.conversationId,
    tags: { 'hitl#upstream': 'conv_up', 'hitl#humanAgentId': String(assigned.payload.userId) },
  })
  return chat
}

const stopped = (conversationId: string) =>
  waitFor('hitlStopped', async () => eventsOf(conversationId).find((e) => e.type === 'hitlStopped'), 15_000)

describe('a missed chat', () => {
  it('chatMissed (with how long the visitor waited), then hitlStopped; nothing posted, even with a text configured', async () => {
    stack.pool.configuration = { ...base, missedChatMessage: 'Nobody is here, sorry!' }
    const chat = await openChat(stack, 'Mona')
    await new Promise((r) => setTimeout(r, 1100))
    await zoho.miss(chat.chatId)
    await stopped(chat.conversationId)
    const events = eventsOf(chat.conversationId)
    expect(events.map((e) => e.type)).toEqual(['chatMissed', 'hitlStopped'])
    expect(events[0]!.payload.conversationId).toBe(chat.conversationId)
    expect(events[0]!.payload.waitedSeconds).toBeGreaterThanOrEqual(1)
    expect(events[0]!.payload.waitedSeconds).toBeLessThan(30)
    expect(messagesOf(chat.conversationId)).toHaveLength(0)
    expect(bot().users.filter((u) => u.tags.role === 'system')).toHaveLength(0)
  })
})

describe('the operator ends the chat', () => {
  it('by default the integration adds no end text of its own: the plugin says it', async () => {
    const chat = await assignedChat('Nils')
    await zoho.complete(chat.chatId)
    await stopped(chat.conversationId)
    expect(messagesOf(chat.conversationId)).toHaveLength(0)
  })

  it("a configuration saved with an earlier version's default text gets today's default (nothing)", async () => {
    stack.pool.configuration = { ...base, chatEndedMessage: 'The agent has ended the conversation.' }
    const chat = await assignedChat('Olga')
    await zoho.complete(chat.chatId)
    await stopped(chat.conversationId)
    expect(messagesOf(chat.conversationId)).toHaveLength(0)
  })

  it('an opt-in text is posted while an operator is assigned, by the notice user, before hitlStopped', async () => {
    stack.pool.configuration = { ...base, chatEndedMessage: 'Thanks for chatting with Acme!' }
    const chat = await assignedChat('Pia')
    const order: string[] = []
    const at: Record<string, number> = {}
    const onMessage = (e: { message: { conversationId: string } }) => {
      if (e.message.conversationId !== chat.conversationId) return
      order.push('message')
      at.message ??= Date.now()
    }
    const onDue = (e: { event: { conversationId?: string; type: string } }) => {
      if (e.event.conversationId !== chat.conversationId) return
      order.push(e.event.type)
      at[e.event.type] ??= Date.now()
    }
    stack.botpress.events.on('message.created', onMessage)
    stack.botpress.events.on('event.due', onDue)
    await zoho.complete(chat.chatId)
    await waitFor('hitlStopped due', async () => order.includes('hitlStopped'), 15_000)
    stack.botpress.events.off('message.created', onMessage)
    stack.botpress.events.off('event.due', onDue)
    expect(order.filter((o) => o !== 'hitlAssigned')).toEqual(['message', 'hitlStopped'])
    // One call of the plugin apart, at least: at the same moment the plugin may end the session first and drop it.
    expect(at.hitlStopped! - at.message!).toBeGreaterThanOrEqual(CALL_MARGIN_MS - 10)
    const [notice, ...rest] = messagesOf(chat.conversationId)
    expect(rest).toHaveLength(0)
    expect(notice!.payload).toEqual({ text: 'Thanks for chatting with Acme!' })
    const author = bot().users.find((u) => u.id === notice!.userId)!
    expect(author.name).toBe('Zoho SalesIQ')
    expect(author.tags.operatorId).toBeUndefined()
  })

  it('the opt-in text is not posted on a chat nobody was assigned to', async () => {
    stack.pool.configuration = { ...base, chatEndedMessage: 'Thanks for chatting with Acme!' }
    const chat = await openChat(stack, 'Quinn')
    await zoho.complete(chat.chatId)
    await stopped(chat.conversationId)
    expect(messagesOf(chat.conversationId)).toHaveLength(0)
  })
})

describe('the notice user', () => {
  it('cannot be renamed or made an operator by a delivery naming an operator "system"', async () => {
    stack.pool.configuration = { ...base, chatEndedMessage: 'Bye from Acme' }
    const first = await assignedChat('Rita')
    await zoho.complete(first.chatId)
    await stopped(first.conversationId)
    const notice = bot().users.find((u) => u.tags.noticeUser)!
    expect(notice.name).toBe('Zoho SalesIQ')

    const chat = await openChat(stack, 'Sam')
    // A signed delivery whose operator id is the one earlier versions gave the notice user ("system").
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 })
    stack.pool.configuration = {
      ...base,
      webhookPublicKey: own.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    }
    const body = JSON.stringify({
      event: 'conversation.attender.updated',
      entity_id: chat.chatId,
      event_time: String(Date.now()),
      attempt: 1,
      version: 1,
      entity: { id: chat.chatId, owner: { id: 'system', name: 'Mallory', type: 'operator' } },
    })
    const res = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-siqsignature': sign('sha256', Buffer.from(body), own.privateKey).toString('base64'),
      },
      body,
    })
    expect(res.status).toBe(200)
    await waitFor('hitlAssigned', async () => eventsOf(chat.conversationId).find((e) => e.type === 'hitlAssigned'))
    const after = bot().users.find((u) => u.id === notice.id)!
    expect(after.name).toBe('Zoho SalesIQ')
    expect(after.tags.operatorId).toBeUndefined()
    const assigned = eventsOf(chat.conversationId).find((e) => e.type === 'hitlAssigned')!
    expect(assigned.payload.userId).not.toBe(notice.id)
  })
})
