import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { openChat, waitFor } from '../harness/helpers'

/**
 * `conversation.rated` → the integration's `chatRated` event, through the real path (signed deliveries from the Zoho
 * emulator, two integration instances behind one ingress): once per delivery, only for chats startHitl opened.
 */
let stack: Stack
let zoho: ZohoEmulatorClient

beforeAll(async () => {
  stack = await startStack({
    bot: false,
    instances: 2,
    zohoSettings: { autoAssignDelayMs: 60_000, webhookRetryIntervalMs: 300 },
  })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => stack?.close())
beforeEach(async () => {
  stack.botpress.faults.clear()
  await zoho.clearFaults()
})

const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
const ratedEvents = (conversationId: string) =>
  bot().events.filter((e) => e.conversationId === conversationId && e.type === 'chatRated')
const allRated = () => bot().events.filter((e) => e.type === 'chatRated')
const operatorId = () => stack.zoho.ids.availableOperatorId
const answered = (event: string, chatId: string, count = 1) =>
  waitFor(`${count} answered ${event} for ${chatId}`, async () => {
    const list = (await zoho.deliveries({ event, entityId: chatId })).filter((d) => d.status === 200)
    return list.length >= count ? list : undefined
  })

/** A chat startHitl opened, taken by the operator and ended: what a visitor rates. */
async function endedChat(name: string) {
  const { userId, conversationId, chatId } = await openChat(stack, name)
  await zoho.accept(chatId, operatorId())
  await zoho.complete(chatId)
  await answered('conversation.completed', chatId)
  return { userId, conversationId, chatId }
}

describe('chatRated', () => {
  it('carries the rating, the feedback and the operator, on the hitl conversation of the chat', async () => {
    const chat = await endedChat('Uma')
    await zoho.rate(chat.chatId, 4, 'Quick and kind')
    await waitFor('chatRated', async () => ratedEvents(chat.conversationId)[0])
    const operatorUser = bot().users.find((u) => u.tags.operatorId === operatorId())!
    expect(ratedEvents(chat.conversationId).map((e) => e.payload)).toEqual([
      {
        conversationId: chat.conversationId,
        chatId: chat.chatId,
        userId: chat.userId,
        rating: 4,
        feedback: 'Quick and kind',
        operatorId: operatorId(),
        operatorName: 'Ada Lovelace',
        agentUserId: operatorUser.id,
      },
    ])
  })

  it('once per delivery: a duplicated delivery (both instances) gives one event', async () => {
    const chat = await endedChat('Vera')
    await zoho.addWebhookFault({ action: 'duplicate', event: 'conversation.rated', count: 1 })
    await zoho.rate(chat.chatId, 5)
    await answered('conversation.rated', chat.chatId, 2)
    expect(ratedEvents(chat.conversationId)).toHaveLength(1)
    expect(ratedEvents(chat.conversationId)[0]!.payload).toMatchObject({ rating: 5 })
    expect(ratedEvents(chat.conversationId)[0]!.payload).not.toHaveProperty('feedback')
  })

  it('a failed emit is answered 5xx and the redelivery emits it, once', async () => {
    const chat = await endedChat('Wes')
    stack.botpress.faults.add({ path: '/v1/chat/events', method: 'POST', status: 500, count: 1 })
    await zoho.rate(chat.chatId, 3, 'ok')
    await answered('conversation.rated', chat.chatId)
    const attempts = await zoho.deliveries({ event: 'conversation.rated', entityId: chat.chatId })
    expect(attempts.map((d) => d.status)).toEqual([500, 200])
    expect(ratedEvents(chat.conversationId)).toHaveLength(1)
  })

  it('feedback alone, then a rating: two deliveries, two events', async () => {
    const chat = await endedChat('Xia')
    await zoho.rate(chat.chatId, undefined, 'Took a while')
    await waitFor('first chatRated', async () => ratedEvents(chat.conversationId)[0])
    await zoho.rate(chat.chatId, 2, 'Took a while')
    await waitFor('second chatRated', async () => ratedEvents(chat.conversationId)[1])
    const payloads = ratedEvents(chat.conversationId).map((e) => e.payload)
    expect(payloads[0]).toMatchObject({ feedback: 'Took a while' })
    expect(payloads[0]).not.toHaveProperty('rating')
    expect(payloads[1]).toMatchObject({ rating: 2, feedback: 'Took a while' })
  })

  it('a chat this integration did not open: acknowledged, no event', async () => {
    const token = await zoho.accessToken()
    const res = await fetch(`${stack.zoho.url}/api/visitor/v1/${stack.zoho.credentials.screenName}/conversations`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        app_id: stack.zoho.ids.appId,
        department_id: stack.zoho.ids.supportDepartmentId,
        question: 'from the website widget',
        visitor: { user_id: 'web-visitor-rated', name: 'Web Visitor' },
      }),
    })
    const chatId = String(((await res.json()) as { data: { conversation_id: string } }).data.conversation_id)
    await zoho.accept(chatId, operatorId())
    await zoho.complete(chatId)
    const before = allRated().length
    await zoho.rate(chatId, 1, 'bad')
    await answered('conversation.rated', chatId)
    expect(allRated()).toHaveLength(before)
  })
})

describe('register', () => {
  it('subscribes the webhook to conversation.rated, and saving again changes nothing', async () => {
    const webhooks = async () => (await zoho.state()).webhooks as Array<{ id: string; events: string[] }>
    const [first, ...others] = await webhooks()
    expect(others).toHaveLength(0)
    expect(first!.events).toContain('conversation.rated')
    await stack.runtime.register(stack.webhookUrl)
    expect(await webhooks()).toEqual([first])
  })
})
