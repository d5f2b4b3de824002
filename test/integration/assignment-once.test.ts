import { generateKeyPairSync, sign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { botClient, openChat, waitFor } from '../harness/helpers'

/**
 * The HITL plugin announces "A human agent has joined" for every hitlAssigned and makes the author of an agent message
 * the agent when none is stored yet (reference/botpress.md §3). So: one hitlAssigned per real change of operator, and
 * never an operator message before that operator's hitlAssigned. Two instances handle the deliveries (round-robin).
 */
let stack: Stack
let zoho: ZohoEmulatorClient

beforeAll(async () => {
  stack = await startStack({ bot: false, instances: 2, zohoSettings: { autoAssignDelayMs: 60_000 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => stack?.close())

const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
const assignedEvents = (conversationId: string) =>
  bot().events.filter((e) => e.conversationId === conversationId && e.type === 'hitlAssigned')

const answered = (event: string, chatId: string) =>
  waitFor(`${event} answered`, async () => {
    const list = (await zoho.deliveries({ event, entityId: chatId })).filter((d) => d.status !== null)
    return list.length ? list : undefined
  })

describe('one hitlAssigned per real change of operator', () => {
  it('a transfer SalesIQ reports twice (transfer.accepted and attender.updated) is announced once', async () => {
    const chat = await openChat(stack, 'Tilda')
    await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
    await waitFor('first hitlAssigned', async () => assignedEvents(chat.conversationId).length === 1)
    const other = await zoho.addOperator({ firstName: 'Theo', lastName: 'Twice', status: 'available' })
    await zoho.transfer(chat.chatId, { operatorId: String(other.id), resolve: 'accept' })
    await answered('conversation.transfer.accepted', chat.chatId)
    await answered('conversation.attender.updated', chat.chatId).then(() =>
      waitFor('both attender.updated answered', async () => {
        const list = await zoho.deliveries({ event: 'conversation.attender.updated', entityId: chat.chatId })
        return list.filter((d) => d.status !== null).length >= 2
      })
    )
    await new Promise((r) => setTimeout(r, 300))
    const events = assignedEvents(chat.conversationId)
    expect(events).toHaveLength(2)
    const theo = bot().users.find((u) => u.tags.operatorId === String(other.id))!
    expect(events[1]!.payload.userId).toBe(theo.id)
  })

  it('the second report of the same move, 1 ms later, announces nothing (signed delivery crafted by the test)', async () => {
    const chat = await openChat(stack, 'Wanda')
    await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
    await waitFor('hitlAssigned', async () => assignedEvents(chat.conversationId).length === 1)
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const base = { ...stack.pool.configuration }
    stack.pool.configuration = {
      ...base,
      webhookPublicKey: own.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    }
    try {
      const at = Date.now()
      const deliver = async (event: string, time: number, owner: Record<string, string>) => {
        const body = JSON.stringify({
          event,
          entity_id: chat.chatId,
          event_time: String(time),
          attempt: 1,
          version: 1,
          entity: { id: chat.chatId, owner, accepted_by: owner },
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
      }
      const xena = { id: '99000001', name: 'Xena Move', type: 'operator' }
      await deliver('conversation.transfer.accepted', at, xena)
      await deliver('conversation.attender.updated', at + 1, xena)
      expect(assignedEvents(chat.conversationId)).toHaveLength(2)
    } finally {
      stack.pool.configuration = base
    }
  })

  it('the same assignment redelivered, even to both instances at once, is announced once', async () => {
    const chat = await openChat(stack, 'Ugo')
    await zoho.addWebhookFault({ action: 'duplicate', event: 'conversation.attender.updated', count: 1 })
    await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
    await waitFor('both copies answered', async () => {
      const list = await zoho.deliveries({ event: 'conversation.attender.updated', entityId: chat.chatId })
      return list.filter((d) => d.status !== null).length >= 2
    })
    expect(assignedEvents(chat.conversationId)).toHaveLength(1)
  })

  it("an operator's message whose assignment was not delivered yet: hitlAssigned first, the message due after it", async () => {
    const chat = await openChat(stack, 'Vic')
    // SalesIQ failed to deliver the assignment (it redelivers much later): the reply arrives first.
    await zoho.addWebhookFault({ action: 'delay', delayMs: 30_000, event: 'conversation.attender.updated', count: 1 })
    await zoho.accept(chat.chatId, stack.zoho.ids.availableOperatorId)
    await zoho.operatorReply(chat.chatId, { text: 'Hi Vic, Ada here' })
    const [assigned] = await waitFor('hitlAssigned', async () => {
      const list = assignedEvents(chat.conversationId)
      return list.length ? list : undefined
    })
    const operator = bot().users.find((u) => u.tags.operatorId === stack.zoho.ids.availableOperatorId)!
    expect(assigned!.payload.userId).toBe(operator.id)
    const { conversation } = await botClient(stack).getConversation({ id: chat.conversationId })
    const assignedDue = Number(conversation.tags.assignmentDueAt)
    const message = await waitFor(
      'the reply',
      async () => bot().messages.find((m) => m.conversationId === chat.conversationId),
      15_000
    )
    expect(message.userId).toBe(operator.id)
    expect(new Date(message.createdAt).getTime()).toBeGreaterThan(assignedDue)
    expect(assignedEvents(chat.conversationId)).toHaveLength(1)
  })
})
