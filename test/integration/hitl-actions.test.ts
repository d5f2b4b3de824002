import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { action, actionOk, botClient, zoho } from '../harness/helpers'

let stack: Stack

beforeAll(async () => {
  // The integration alone (no plugin-like bot): tests speak the integration protocol themselves.
  stack = await startStack({ bot: false, register: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
})
afterAll(async () => stack?.close())

const conversations = () => zoho<any[]>(stack, 'GET', '/conversations')

describe('createUser', () => {
  it('creates one Botpress user per end user, each with its own stable SalesIQ visitor id', async () => {
    const a = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Alice', email: 'Alice@Example.com' })
    const b = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Bob' })
    expect(a.userId).not.toBe(b.userId)
    const bp = botClient(stack)
    const { user: alice } = await bp.getUser({ id: a.userId })
    const { user: bob } = await bp.getUser({ id: b.userId })
    expect(alice.name).toBe('Alice')
    expect(alice.tags.email).toBe('alice@example.com')
    expect(alice.tags.visitorId).toBeTruthy()
    expect(alice.tags.visitorId).not.toBe(bob.tags.visitorId)
  })

  it("drops the HITL plugin's invented no-reply email", async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', {
      name: 'Carol',
      email: 'user_1@no-reply.bot_sandbox.botpress.com',
    })
    const { user } = await botClient(stack).getUser({ id: userId })
    expect(user.tags.email).toBeUndefined()
  })
})

describe('startHitl', () => {
  beforeEach(async () => {
    await zoho(stack, 'DELETE', '/requests')
  })

  it("opens the SalesIQ chat for that user, with the user's details and the transcript", async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', {
      name: 'Dana',
      email: 'dana@example.com',
    })
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      title: 'Refund',
      description: 'Order 42 never arrived',
      hitlSession: { phone: '+15145550000', customerInfo: { plan: 'Gold' } },
      messageHistory: [
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'Where is my order?' } },
        {
          source: { type: 'bot' },
          type: 'choice',
          payload: { text: 'Want a human?', options: [{ label: 'Yes', value: 'y' }] },
        },
      ],
    })
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    expect(conversation.channel).toBe('hitl')
    const chatId = conversation.tags.chatId!
    const chat = await zoho(stack, 'GET', `/conversations/${chatId}`)
    expect(chat.question).toBe('Refund — Order 42 never arrived')
    expect(chat.visitor.name).toBe('Dana')
    expect(chat.visitor.email.toLowerCase()).toBe('dana@example.com')
    expect(chat.visitor.phone).toBe('+15145550000')
    expect(chat.customer_info).toMatchObject({ plan: 'Gold' })
    expect(chat.department_id).toBe(stack.zoho.ids.supportDepartmentId)
    const transcript = chat.messages.map((m: any) => m.message.text).join('\n')
    expect(transcript).toContain('Dana: Where is my order?')
    expect(transcript).toContain('Bot: Want a human? — options: Yes')
  })

  it('uses the department of hitlSession over the configured one', async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Eve' })
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      hitlSession: { departmentId: stack.zoho.ids.salesDepartmentId },
      messageHistory: [],
    })
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
    expect(chat.department_id).toBe(stack.zoho.ids.salesDepartmentId)
  })

  it('keeps two users escalating at once apart: two chats, each with its own name', async () => {
    const names = ['Frank', 'Grace']
    const users = await Promise.all(names.map((name) => actionOk<{ userId: string }>(stack, 'createUser', { name })))
    const started = await Promise.all(
      users.map(({ userId }, i) =>
        actionOk<{ conversationId: string }>(stack, 'startHitl', {
          userId,
          title: `Help ${names[i]}`,
          messageHistory: [{ source: { type: 'user', userId }, type: 'text', payload: { text: `I am ${names[i]}` } }],
        })
      )
    )
    expect(started[0]!.conversationId).not.toBe(started[1]!.conversationId)
    for (const [i, { conversationId }] of started.entries()) {
      const { conversation } = await botClient(stack).getConversation({ id: conversationId })
      expect(conversation.tags.userId).toBe(users[i]!.userId)
      const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
      expect(chat.visitor.name).toBe(names[i])
      expect(chat.question).toBe(`Help ${names[i]}`)
      expect(chat.messages.map((m: any) => m.message.text).join('\n')).toContain(`${names[i]}: I am ${names[i]}`)
    }
    const all = await conversations()
    const visitorIds = new Set(all.filter((c) => names.includes(c.visitor?.name)).map((c) => c.visitor.user_id))
    expect(visitorIds.size).toBe(2)
  })

  it('refuses an unknown user with a clear error and opens nothing', async () => {
    const before = (await conversations()).length
    const r = await action(stack, 'startHitl', { userId: 'user_nope', messageHistory: [] })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain('createUser')
    expect((await conversations()).length).toBe(before)
  })

  it('names the cause when SalesIQ refuses the department', async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Hank' })
    const r = await action(stack, 'startHitl', {
      userId,
      hitlSession: { departmentId: stack.zoho.ids.billingDepartmentId },
      messageHistory: [],
    })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toMatch(/department/i)
  })
})

describe('stopHitl', () => {
  it('closes the SalesIQ chat, and a second stop is not an error', async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Ivy' })
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      messageHistory: [],
    })
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    await actionOk(stack, 'stopHitl', { conversationId })
    const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
    expect(chat.state).toBe('ended')
    await actionOk(stack, 'stopHitl', { conversationId })
  })

  it('refuses a conversation that does not exist', async () => {
    const r = await action(stack, 'stopHitl', { conversationId: 'conv_nope' })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain('does not exist')
  })
})

describe('the transcript of a later escalation', () => {
  it('labels agents and the bot, shows the clicked label, and does not repeat the earlier session', async () => {
    const bp = botClient(stack)
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Olga' })
    // The look-alike user the plugin relayed the earlier agent's messages with (webchat's getOrCreateUser).
    const { user: ada } = await bp.createUser({ name: 'Ada Lovelace', tags: {} })
    const options = [{ label: 'Talk to a human', value: 'talk-to-human' }]
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      messageHistory: [
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'hello' } },
        { source: { type: 'bot' }, type: 'choice', payload: { text: 'Want a human?', options } },
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'talk-to-human' } },
        { source: { type: 'bot' }, type: 'text', payload: { text: 'I have escalated this conversation.' } },
        { source: { type: 'bot' }, type: 'text', payload: { text: 'Hi Olga, Ada here', userId: ada.id } },
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'my first problem' } },
        { source: { type: 'bot' }, type: 'text', payload: { text: 'Solved, bye', userId: ada.id } },
        { source: { type: 'bot' }, type: 'text', payload: { text: 'The human agent closed the conversation.' } },
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'another question' } },
        { source: { type: 'bot' }, type: 'choice', payload: { text: 'Want a human?', options } },
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'talk-to-human' } },
      ],
    })
    const { conversation } = await bp.getConversation({ id: conversationId })
    const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
    const transcript = chat.messages.map((m: any) => m.message.text).join('\n')
    expect(transcript).toContain('previous chat with Ada Lovelace (agent) (7 earlier messages not repeated')
    expect(transcript).not.toContain('Ada here')
    expect(transcript).not.toContain('my first problem')
    expect(transcript).toContain('Bot: The human agent closed the conversation.')
    expect(transcript).toContain('Olga: another question')
    expect(transcript).toContain('Olga: Talk to a human')
    expect(transcript).not.toContain('Olga: talk-to-human')
  })
})

describe('a failed escalation', () => {
  it('SalesIQ down: the flow gets an error that says nothing was opened and to try again later', async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Zed' })
    await zoho(stack, 'POST', '/faults', { path: '/api/visitor/v1/*/conversations', status: 503, count: 10 })
    try {
      const r = await action(stack, 'startHitl', { userId, messageHistory: [] })
      expect(r.status).toBe(400)
      const message = String((r.body as { message?: string }).message)
      expect(message).toMatch(/^Escalation to SalesIQ failed while opening the SalesIQ chat: /)
      expect(message).toContain('no chat was opened. Try again later.')
    } finally {
      await zoho(stack, 'DELETE', '/faults')
    }
  })
})

describe('an escalation that fails after the chat was opened', () => {
  it('Botpress refuses the hand-over: the flow gets the error and the SalesIQ chat is closed, not left waiting', async () => {
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Half Open' })
    stack.botpress.faults.add({ path: '/v1/chat/conversations/*', method: 'PUT', status: 500, count: 10 })
    try {
      const r = await action(stack, 'startHitl', { userId, messageHistory: [] })
      expect(r.status).not.toBe(200)
    } finally {
      stack.botpress.faults.clear()
    }
    const chats = (await conversations()).filter((c) => c.visitor?.name === 'Half Open')
    expect(chats).toHaveLength(1)
    expect(chats[0].state).toBe('ended')
  })
})
