import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CALL_MARGIN_MS, EVENT_HOLD_AFTER_RETURN_MS } from '../../src/hitl/hold-back'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { actionOk, botClient, openChat, waitFor } from '../harness/helpers'

/**
 * Nothing lost to the plugin's activation (reference/botpress.md §3), and no longer wait than what the integration
 * sees of the plugin justifies (src/hitl/hold-back.ts): timed for the slowest plugin (1 000 ms per call) until its
 * link is seen, by the measured call after. No bot runs here: the tests write the plugin's link themselves and watch
 * when things become due for the bot (the emulator's `event.due` / `message.created`).
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
type Seen = { at: number; kind: string; conversationId?: string; userId?: string }
function watch() {
  const seen: Seen[] = []
  const onDue = (e: { event: { type: string; conversationId?: string; payload?: { userId?: string } } }) =>
    seen.push({
      at: Date.now(),
      kind: e.event.type,
      conversationId: e.event.conversationId,
      userId: e.event.payload?.userId,
    })
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

/** The plugin's link (hitl#upstream on the hitl conversation), written as the plugin writes it. */
const linkAsThePlugin = (conversationId: string) =>
  botClient(stack).updateConversation({ id: conversationId, tags: { 'hitl#upstream': 'conv_up' } })

/** When the first `kind` (an event type, or message:<type>) became due for the bot on that conversation. */
const dueOf = (w: ReturnType<typeof watch>, conversationId: string, kind: string) =>
  waitFor(`${kind} due`, async () => w.of(conversationId).find((s) => s.kind === kind), 15_000)

async function startHitl(name: string) {
  const { conversationId, chatId, returnedAt } = await openChat(stack, name)
  return { conversationId, chatId, returnedAt }
}

describe('the hold-back', () => {
  /** SalesIQ assigns the moment the chat opens; Botpress takes `mappingMs` to store startHitl's mapping. */
  async function assignedWhileMapping(name: string, mappingMs: number) {
    await zoho.setSettings({ autoAssignDelayMs: 0 })
    if (mappingMs)
      stack.botpress.faults.add({
        path: '/v1/chat/conversations/get-or-create',
        method: 'POST',
        latencyMs: mappingMs,
        count: 1,
      })
    const w = watch()
    try {
      const chat = await startHitl(name)
      const { conversation } = await linkAsThePlugin(chat.conversationId)
      const assigned = await dueOf(w, chat.conversationId, 'hitlAssigned')
      return { ...chat, linkedAt: Date.parse(conversation.updatedAt), assignedAt: assigned.at }
    } finally {
      w.stop()
    }
  }

  it('an assignment delivered before the chat is mapped waits for the mapping, then is timed by the link', async () => {
    const chat = await assignedWhileMapping('Mapping', 300)
    expect(chat.assignedAt).toBeGreaterThan(chat.linkedAt)
    expect(chat.assignedAt - chat.returnedAt).toBeLessThan(2500) // not timed for the slowest plugin (≥ 5 s)
  })

  it('an assignment whose delivery arrives while startHitl reads it back is left to that delivery', async () => {
    // SalesIQ assigns at once and its delivery comes 50 ms later: after startHitl's read-back saw the operator.
    await zoho.addWebhookFault({ action: 'delay', event: 'conversation.attender.updated', delayMs: 50, count: 1 })
    const chat = await assignedWhileMapping('In flight', 0)
    expect(chat.assignedAt).toBeGreaterThan(chat.linkedAt)
    expect(chat.assignedAt - chat.returnedAt).toBeLessThan(2500) // not timed for the slowest plugin (≥ 5 s)
  })

  it('an assignment only startHitl saw (its delivery gave up on the mapping) is timed for the slowest plugin', async () => {
    // startHitl cannot see what the plugin does after it returns: 5 of the slowest calls after its return.
    const chat = await assignedWhileMapping('Only read back', 1500)
    expect(chat.assignedAt - chat.returnedAt).toBeGreaterThan(4 * L)
    expect(chat.assignedAt - chat.returnedAt).toBeLessThan(EVENT_HOLD_AFTER_RETURN_MS + 1000)
  })

  it("is timed by the plugin's link once it is seen: as long again as the link took, not the slowest calls", async () => {
    const w = watch()
    try {
      const chat = await startHitl('Linked')
      // What the plugin does right after startHitl returned (it activates the session one or two calls later).
      const { conversation } = await linkAsThePlugin(chat.conversationId)
      const linkedAt = Date.parse(conversation.updatedAt)
      const linkTook = linkedAt - Number(conversation.tags.handedOverAt)
      await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
      const assigned = await dueOf(w, chat.conversationId, 'hitlAssigned')
      expect(assigned.at - linkedAt).toBeGreaterThanOrEqual(linkTook + CALL_MARGIN_MS - 20)
      expect(assigned.at - chat.returnedAt).toBeLessThan(EVENT_HOLD_AFTER_RETURN_MS - 2000)
    } finally {
      w.stop()
    }
  })

  it('an assignment delivered before the link waits for it, and is due soon after it', async () => {
    const w = watch()
    try {
      const chat = await startHitl('Before the link')
      await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
      await zoho.operatorReply(chat.chatId, { text: 'Hello early' })
      await new Promise((r) => setTimeout(r, 300)) // a slow plugin: both deliveries are waiting meanwhile
      const { conversation } = await linkAsThePlugin(chat.conversationId)
      const linkedAt = Date.parse(conversation.updatedAt)
      const assigned = await dueOf(w, chat.conversationId, 'hitlAssigned')
      const reply = await dueOf(w, chat.conversationId, 'message:text')
      expect(assigned.at).toBeGreaterThan(linkedAt)
      // Without the wait, both would be timed for the slowest plugin (5 s after the return, then 5 s more).
      expect(assigned.at - chat.returnedAt).toBeLessThan(2500)
      expect(reply.at).toBeGreaterThan(assigned.at)
      expect(reply.at - chat.returnedAt).toBeLessThan(EVENT_HOLD_AFTER_RETURN_MS)
    } finally {
      w.stop()
    }
  })

  it('an assignment delivered while startHitl still runs is left to that delivery, which times it by the link', async () => {
    // SalesIQ is slow to take the transcript, so startHitl has mapped the chat but not handed it over yet.
    await zoho.addFault({ path: '/api/visitor/v1/*/conversations/*/messages', latencyMs: 1200, count: 1 })
    const w = watch()
    try {
      const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Mapped early' })
      const started = actionOk<{ conversationId: string }>(stack, 'startHitl', {
        userId,
        messageHistory: [{ source: { type: 'user', userId }, type: 'text', payload: { text: 'I need a human' } }],
      })
      const mapped = await waitFor('the hitl conversation', async () =>
        bot().conversations.find((c) => c.tags.userId === userId && c.tags.chatId)
      )
      await zoho.accept(mapped.tags.chatId!, stack.zoho.ids.availableOperatorId)
      await waitFor('the delivery says it holds the assignment', async () =>
        stack.botpress.requests().find((r) => r.path.includes(`/states/user/${userId}/earlyAssignment`))
      )
      const { conversationId } = await started
      const returnedAt = Date.now()
      const { conversation } = await linkAsThePlugin(conversationId)
      const assigned = await dueOf(w, conversationId, 'hitlAssigned')
      expect(assigned.at).toBeGreaterThan(Date.parse(conversation.updatedAt))
      // startHitl's read-back saw the operator too, but timed for the slowest plugin it would be ≥ 5 s.
      expect(assigned.at - returnedAt).toBeLessThan(2500)
      await new Promise((r) => setTimeout(r, 300))
      expect(w.of(conversationId).filter((s) => s.kind === 'hitlAssigned')).toHaveLength(1)
    } finally {
      w.stop()
    }
  })

  it("an operator's first reply is relayed once the plugin is seen to know them, not after the slowest it could take", async () => {
    const w = watch()
    try {
      const chat = await startHitl('Agent seen')
      await new Promise((r) => setTimeout(r, 600)) // a plugin at ~600 ms per call links now
      await linkAsThePlugin(chat.conversationId)
      await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
      const assigned = await dueOf(w, chat.conversationId, 'hitlAssigned')
      await zoho.operatorReply(chat.chatId, { text: 'Right here' })
      await new Promise((r) => setTimeout(r, 500))
      // What the plugin's hitlAssigned handler writes in its last call: now it knows the agent.
      await botClient(stack).updateConversation({
        id: chat.conversationId,
        tags: { 'hitl#humanAgentId': assigned.userId! },
      })
      const taggedAt = Date.now()
      const reply = await dueOf(w, chat.conversationId, 'message:text')
      expect(reply.at).toBeGreaterThanOrEqual(taggedAt)
      expect(reply.at - taggedAt).toBeLessThan(1000) // held, it would come ≥ 2.7 s later
      // Held for the slowest the plugin could take, it would come 5 measured calls (≥ 5 × 600 ms) after hitlAssigned.
      expect(reply.at - assigned.at).toBeLessThan(2500)
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
