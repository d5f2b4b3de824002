import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EVENT_HOLD_AFTER_LINK_MS, EVENT_HOLD_AFTER_RETURN_MS } from '../../src/hitl/hold-back'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { actionOk, botClient, openChat, waitFor } from '../harness/helpers'

/**
 * Nothing lost to the plugin's activation (reference/botpress.md §3): with up to 1 000 ms per bot→API call the plugin
 * drops whatever is due less than ≈ 3 s after startHitl returned. These tests watch when things become due for the
 * bot (the emulator's `event.due` / `message.created`), against the moment startHitl returned.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
const L = 1000

beforeAll(async () => {
  stack = await startStack({ bot: false, instances: 2, zohoSettings: { autoAssignDelayMs: 60_000 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => stack?.close())
beforeEach(async () => {
  stack.botpress.faults.clear()
  await zoho.clearFaults()
  await zoho.setSettings({ autoAssignDelayMs: 60_000 })
})

const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
type Seen = { at: number; kind: string; conversationId?: string }
function watch() {
  const seen: Seen[] = []
  const onDue = (e: { event: { type: string; conversationId?: string } }) =>
    seen.push({ at: Date.now(), kind: e.event.type, conversationId: e.event.conversationId })
  const onMessage = (e: { message: { conversationId: string; type: string } }) =>
    seen.push({ at: Date.now(), kind: `message:${e.message.type}`, conversationId: e.message.conversationId })
  stack.botpress.events.on('event.due', onDue)
  stack.botpress.events.on('message.created', onMessage)
  return {
    of: (conversationId: string) => seen.filter((s) => s.conversationId === conversationId),
    stop: () => {
      stack.botpress.events.off('event.due', onDue)
      stack.botpress.events.off('message.created', onMessage)
    },
  }
}

async function startHitl(name: string) {
  const { conversationId, chatId, returnedAt } = await openChat(stack, name)
  return { conversationId, chatId, returnedAt }
}

describe('the hold-back', () => {
  it("an assignment made while startHitl runs is due later than 4 calls of 1 000 ms after it returned (the event's first call reads the session)", async () => {
    await zoho.setSettings({ autoAssignDelayMs: 0 })
    stack.botpress.faults.add({
      path: '/v1/chat/conversations/get-or-create',
      method: 'POST',
      latencyMs: 300,
      count: 1,
    })
    const w = watch()
    try {
      const chat = await startHitl('Early')
      const assigned = await waitFor(
        'hitlAssigned due',
        async () => w.of(chat.conversationId).find((s) => s.kind === 'hitlAssigned'),
        10_000
      )
      expect(assigned.at - chat.returnedAt).toBeGreaterThan(4 * L)
      expect(assigned.at - chat.returnedAt).toBeLessThan(EVENT_HOLD_AFTER_RETURN_MS + 1000)
    } finally {
      w.stop()
    }
  })

  it('is shorter once the plugin has linked the conversations (hitl#upstream), and still after the link', async () => {
    const w = watch()
    try {
      const chat = await startHitl('Linked')
      // What the plugin does right after startHitl returned (one or two calls before it activates the session).
      await botClient(stack).updateConversation({ id: chat.conversationId, tags: { 'hitl#upstream': 'conv_up' } })
      const linkedAt = Date.now()
      await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
      const assigned = await waitFor(
        'hitlAssigned due',
        async () => w.of(chat.conversationId).find((s) => s.kind === 'hitlAssigned'),
        10_000
      )
      expect(assigned.at - linkedAt).toBeGreaterThanOrEqual(EVENT_HOLD_AFTER_LINK_MS - 50)
      expect(assigned.at - chat.returnedAt).toBeLessThan(EVENT_HOLD_AFTER_RETURN_MS - 1000)
    } finally {
      w.stop()
    }
  })

  it("an operator's early reply is due after hitlAssigned, and once although SalesIQ sends it to both instances", async () => {
    const w = watch()
    try {
      const chat = await startHitl('Quick')
      await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
      await zoho.addWebhookFault({ action: 'duplicate', event: 'conversation.operator.replied', count: 1 })
      await zoho.operatorReply(chat.chatId, { text: 'Hi, Ada here' })
      await waitFor('both copies answered', async () => {
        const list = await zoho.deliveries({ event: 'conversation.operator.replied', entityId: chat.chatId })
        return list.filter((d) => d.status === 200).length >= 2
      })
      const reply = await waitFor(
        'the reply',
        async () => w.of(chat.conversationId).find((s) => s.kind === 'message:text'),
        15_000
      )
      const assigned = w.of(chat.conversationId).find((s) => s.kind === 'hitlAssigned')!
      expect(assigned.at - chat.returnedAt).toBeGreaterThan(4 * L)
      expect(reply.at).toBeGreaterThan(assigned.at)
      await new Promise((r) => setTimeout(r, 300))
      expect(bot().messages.filter((m) => m.conversationId === chat.conversationId)).toHaveLength(1)
    } finally {
      w.stop()
    }
  })

  it("a slow read-back of the chat's operator moves the hand-over tag to startHitl's real return", async () => {
    // startHitl tags the hand-over, then reads the chat's operator back from SalesIQ: held 1.5 s here.
    await zoho.addFault({
      path: `/api/v2/${stack.zoho.credentials.screenName}/conversations/*`,
      method: 'GET',
      latencyMs: 1500,
      count: 1,
    })
    const chat = await startHitl('Slow read-back')
    const { conversation } = await botClient(stack).getConversation({ id: chat.conversationId })
    const handedOverAt = Number(conversation.tags.handedOverAt)
    // The hold-back counts from this tag: from before the read it would be ≥ 1.5 s early.
    expect(chat.returnedAt - handedOverAt).toBeLessThan(1000) // the read-back alone is held 1 500 ms
    expect(chat.returnedAt - handedOverAt).toBeGreaterThanOrEqual(0)
  })

  it('a reply that arrives while startHitl is still running waits for the hand-over instead of being lost', async () => {
    await zoho.setSettings({ autoAssignDelayMs: 0 })
    // SalesIQ is slow to take the transcript, so startHitl has not handed over yet when the operator answers.
    await zoho.addFault({ path: '/api/visitor/v1/*/conversations/*/messages', latencyMs: 1500, count: 1 })
    const w = watch()
    try {
      const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Slow' })
      const started = actionOk<{ conversationId: string }>(stack, 'startHitl', {
        userId,
        messageHistory: [{ source: { type: 'user', userId }, type: 'text', payload: { text: 'I need a human' } }],
      })
      const conversation = await waitFor('the hitl conversation', async () =>
        bot().conversations.find((c) => c.tags.userId === userId && c.tags.chatId)
      )
      await zoho.operatorReply(conversation.tags.chatId!, { text: 'Already here' })
      const { conversationId } = await started
      const returnedAt = Date.now()
      const reply = await waitFor(
        'the reply',
        async () => w.of(conversationId).find((s) => s.kind === 'message:text'),
        15_000
      )
      const assigned = w.of(conversationId).find((s) => s.kind === 'hitlAssigned')!
      expect(assigned.at - returnedAt).toBeGreaterThan(4 * L)
      expect(reply.at).toBeGreaterThan(assigned.at)
    } finally {
      w.stop()
    }
  })
})
