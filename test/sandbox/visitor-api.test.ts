import { Client } from '@botpress/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { Visitor } from '../harness/visitor'

/**
 * The visitor HTTP API (sandbox/README.md): who wrote what as webchat shows it, and the HITL session status read
 * from the plugin's own data only. No bot runs here: the test writes what the plugin would write.
 */
describe('visitor API', () => {
  let stack: Stack
  let bot: Client
  beforeAll(async () => {
    stack = await startStack({ bot: false, register: false })
    bot = new Client({ apiUrl: stack.botpress.url, botId: stack.identity.botId, retry: { retries: 0 } })
  })
  afterAll(() => stack?.close())

  const say = (conversationId: string, text: string, userId?: string) =>
    bot.createMessage({
      conversationId,
      userId: stack.identity.botId,
      type: 'text',
      payload: userId ? { text, userId } : { text },
      tags: {},
    })

  it("visitors' conversations belong to webchat, channel 'channel'", async () => {
    const v = await new Visitor(stack, 'Web Chat').start('web@example.com')
    const { conversation } = await bot.getConversation({ id: v.conversationId })
    expect([conversation.integration, conversation.channel]).toEqual(['webchat', 'channel'])
    const { user } = await bot.getUser({ id: v.userId })
    expect(user.name).toBe('Web Chat')
  })

  it('authors: the visitor, the bot, and an agent shown as the look-alike user the bot names in payload.userId', async () => {
    const v = await new Visitor(stack, 'Ann Author').start()
    await v.say('hello')
    await say(v.conversationId, 'Hi, I am the bot')
    const { output } = await bot.callAction({
      type: 'webchat:getOrCreateUser',
      input: {
        name: 'Ada Lovelace',
        pictureUrl: 'https://example.com/ada.png',
        user: { id: 'user_agent', conversationId: v.conversationId },
      },
    })
    await say(v.conversationId, 'Hi, I am Ada', String(output.userId))
    const { messages } = await v.view()
    expect(messages.map((m) => [m.author, m.authorName, m.payload.text])).toEqual([
      ['visitor', 'Ann Author', 'hello'],
      ['bot', 'Bot', 'Hi, I am the bot'],
      ['agent', 'Ada Lovelace', 'Hi, I am Ada'],
    ])
    expect(messages.every((m) => typeof m.id === 'string' && !Number.isNaN(Date.parse(m.createdAt)))).toBe(true)
  })

  it('webchat:getOrCreateUser makes one look-alike per original user, and follows its name', async () => {
    const v = await new Visitor(stack, 'Lou Alike').start()
    const call = (name: string) =>
      bot.callAction({
        type: 'webchat:getOrCreateUser',
        input: { name, user: { id: 'user_op7', conversationId: v.conversationId } },
      })
    const first = (await call('Grace')).output.userId
    const second = (await call('Grace Hopper')).output.userId
    expect(second).toBe(first)
    expect((await bot.getUser({ id: String(first) })).user.name).toBe('Grace Hopper')
    await expect(bot.callAction({ type: 'webchat:getOrCreateUser', input: { name: 'x' } })).rejects.toThrow(/user/)
  })

  it('an unknown conversation is a 404 that says so', async () => {
    const res = await fetch(`${stack.url}/api/visitors/conv_nope`)
    expect(res.status).toBe(404)
    expect((await res.json()).message).toContain('conv_nope')
  })

  it("status from the plugin's data: bot, waiting (active, no agent), agent (active + agent tags), bot again", async () => {
    const v = await new Visitor(stack, 'Stan Tus').start()
    const status = async () => (await v.view()).status
    expect(await status()).toEqual({ status: 'bot' })
    const { conversation: hitl } = await bot.createConversation({ channel: 'hitl', tags: {} })
    await bot.updateConversation({ id: v.conversationId, tags: { 'hitl#downstream': hitl.id } })
    await bot.setState({ type: 'conversation', id: v.conversationId, name: 'hitl#hitl', payload: { hitlActive: true } })
    expect(await status()).toEqual({ status: 'waiting', hitlConversationId: hitl.id })
    await bot.updateConversation({
      id: v.conversationId,
      tags: { 'hitl#humanAgentId': 'user_ada', 'hitl#humanAgentName': 'Ada Lovelace' },
    })
    expect(await status()).toEqual({ status: 'agent', agentName: 'Ada Lovelace', hitlConversationId: hitl.id })
    await bot.setState({
      type: 'conversation',
      id: v.conversationId,
      name: 'hitl#hitl',
      payload: { hitlActive: false },
    })
    expect(await status()).toEqual({ status: 'bot' })
  })
})
