import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { action, actionOk, botClient } from '../harness/helpers'

/**
 * leaveMessage over the integration protocol: SalesIQ's offline message for the same visitor startHitl uses, by PUT
 * or POST as the portal accepts, refused clearly when the app does not allow it. Ends with the story of issue #17:
 * nobody is online, the bot sees it, the visitor leaves a message, and the operator console shows it.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
const cacheEnv = process.env.SALESIQ_AVAILABILITY_CACHE_MS

beforeAll(async () => {
  process.env.SALESIQ_AVAILABILITY_CACHE_MS = '0'
  stack = await startStack({ bot: false, register: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => {
  await stack?.close()
  if (cacheEnv === undefined) delete process.env.SALESIQ_AVAILABILITY_CACHE_MS
  else process.env.SALESIQ_AVAILABILITY_CACHE_MS = cacheEnv
})
beforeEach(async () => {
  await zoho.reset()
  await zoho.setSettings({ autoAssignDelayMs: 60_000 })
})

const ids = () => stack.zoho.ids
const newUser = (name: string, email?: string) =>
  actionOk<{ userId: string }>(stack, 'createUser', { name, ...(email ? { email } : {}) })
const leave = (input: Record<string, unknown>) => action(stack, 'leaveMessage', input)

describe('leaveMessage', () => {
  it('files the message for the visitor startHitl uses, and returns its id', async () => {
    const { userId } = await newUser('Lena', 'Lena@Example.com')
    const output = await actionOk<{ messageId?: string; departmentId: string }>(stack, 'leaveMessage', {
      userId,
      message: 'Please call me about my order',
      phone: '+15145550000',
    })
    expect(output).toEqual({ messageId: expect.stringMatching(/^\d+$/), departmentId: ids().supportDepartmentId })
    const stored = await zoho.offlineMessages()
    expect(stored).toHaveLength(1)
    const { user } = await botClient(stack).getUser({ id: userId })
    expect(stored[0]).toMatchObject({
      id: output.messageId,
      departmentId: ids().supportDepartmentId,
      message: 'Please call me about my order',
      visitor: { userId: user.tags.visitorId, name: 'Lena', email: 'lena@example.com', phone: '+15145550000' },
      method: 'PUT',
    })

    // Escalating the same user later opens the chat on the same SalesIQ visitor.
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      messageHistory: [],
    })
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    const chat = await zoho.conversation(conversation.tags.chatId!)
    expect(chat.visitor.user_id).toBe(user.tags.visitorId)
  })

  it('takes the department and email given', async () => {
    const { userId } = await newUser('Max')
    await actionOk(stack, 'leaveMessage', {
      userId,
      message: 'Pricing?',
      departmentId: ids().salesDepartmentId,
      email: 'max@example.com',
    })
    const [stored] = await zoho.offlineMessages()
    expect(stored).toMatchObject({ departmentId: ids().salesDepartmentId, visitor: { email: 'max@example.com' } })
  })

  it('a portal that takes only POST: falls back from PUT, and files it once', async () => {
    await zoho.setSettings({ leaveMessageMethods: 'post' })
    const { userId } = await newUser('Noor')
    const output = await actionOk<{ messageId?: string }>(stack, 'leaveMessage', { userId, message: 'hello' })
    const stored = await zoho.offlineMessages()
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ id: output.messageId, method: 'POST' })
  })

  it('a portal that takes only PUT: one call', async () => {
    await zoho.setSettings({ leaveMessageMethods: 'put' })
    const { userId } = await newUser('Omar')
    await actionOk(stack, 'getAvailability', {}) // after the reset, this one replaces the integration's access token
    await zoho.clearRequests()
    await actionOk(stack, 'leaveMessage', { userId, message: 'hello' })
    const calls = await zoho.requests({ path: '/leavemessage' })
    expect(calls.map((c) => c.method)).toEqual(['PUT'])
  })

  it.each([1016, 1017, 1021])(
    'an app that does not allow offline messages (code %s): a clear RuntimeError, nothing filed',
    async (code) => {
      await zoho.setSettings({ offlineMessagesRefusalCode: code })
      await zoho.setApp(ids().appId, { offlineMessages: false })
      const { userId } = await newUser('Pia')
      const r = await leave({ userId, message: 'anyone?' })
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ type: 'Runtime' })
      expect(String((r.body as { message: string }).message)).toMatch(
        /did not accept the offline message.*does not allow visitors to leave a message/
      )
      expect(await zoho.offlineMessages()).toHaveLength(0)
    }
  )

  it('a department of no app: a RuntimeError naming it', async () => {
    const { userId } = await newUser('Quinn')
    const r = await leave({ userId, message: 'x', departmentId: ids().billingDepartmentId })
    expect(r.status).toBe(400)
    expect(String((r.body as { message: string }).message)).toContain(
      `department "${ids().billingDepartmentId}" is not a department of app "${ids().appId}"`
    )
  })

  it('an empty message: a RuntimeError, no SalesIQ call', async () => {
    const { userId } = await newUser('Tess')
    await zoho.clearRequests()
    const r = await leave({ userId, message: '   ' })
    expect(r.status).toBe(400)
    expect(String((r.body as { message: string }).message)).toMatch(/"message" is empty/)
    expect(await zoho.requests({ path: '/leavemessage' })).toHaveLength(0)
  })

  it('an unknown user: a RuntimeError, no SalesIQ call', async () => {
    await zoho.clearRequests()
    const r = await leave({ userId: 'user_missing', message: 'x' })
    expect(r.status).toBe(400)
    expect(String((r.body as { message: string }).message)).toMatch(/user "user_missing" does not exist/)
    expect(await zoho.requests({ path: '/leavemessage' })).toHaveLength(0)
  })
})

describe('story: nobody is online, the visitor leaves a message, the operator console shows it', () => {
  it('getAvailability says so, leaveMessage files it, GET /_emulator/offline-messages lists it', async () => {
    for (const id of [ids().availableOperatorId, ids().busyOperatorId])
      await zoho.setOperator(id, { status: 'offline' })
    const availability = await actionOk<{ canChat: boolean; reason: string }>(stack, 'getAvailability', {})
    expect(availability).toMatchObject({ canChat: false, reason: 'no-operator-online' })

    const { userId } = await newUser('Sam', 'sam@example.com')
    const { messageId } = await actionOk<{ messageId?: string }>(stack, 'leaveMessage', {
      userId,
      message: 'My card was charged twice, please email me',
    })

    const console = await zoho.offlineMessages()
    expect(console).toEqual([
      expect.objectContaining({
        id: messageId,
        departmentName: 'Support',
        message: 'My card was charged twice, please email me',
        visitor: expect.objectContaining({ name: 'Sam', email: 'sam@example.com' }),
      }),
    ])
    // No live chat was offered to anyone.
    expect(await zoho.conversations('waiting')).toHaveLength(0)
  })
})

// Last: the integration then waits out Zoho's throttling for a few seconds.
describe('leaveMessage while Zoho throttles', () => {
  it('a throttled token: a clear RuntimeError', async () => {
    const { userId } = await newUser('Rae')
    await zoho.throttleTokens(600_000)
    await zoho.invalidateTokens()
    const r = await leave({ userId, message: 'x' })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toMatch(/throttling token requests/)
    await zoho.unthrottleTokens()
    expect(await zoho.offlineMessages()).toHaveLength(0)
  })
})
