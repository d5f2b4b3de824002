import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { actionOk, botClient, botWrites, startFileHost, zoho } from '../harness/helpers'

let stack: Stack
let files: Awaited<ReturnType<typeof startFileHost>>
let conversationId: string
let chatId: string

beforeAll(async () => {
  files = await startFileHost() // before the stack: its integration may fetch from it
  stack = await startStack({ bot: false, register: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Vera' })
  ;({ conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', { userId, messageHistory: [] }))
  const { conversation } = await botClient(stack).getConversation({ id: conversationId })
  chatId = conversation.tags.chatId!
})
afterAll(async () => {
  await files?.close()
  await stack?.close()
})
beforeEach(async () => {
  await zoho(stack, 'DELETE', '/requests')
})

const sends = async () =>
  (await zoho<any[]>(stack, 'GET', '/requests')).filter(
    (r) => r.method === 'POST' && r.path.endsWith(`/conversations/${chatId}/messages`)
  )
const lastMessages = async (n: number) => (await zoho(stack, 'GET', `/conversations/${chatId}`)).messages.slice(-n)

describe('hitl channel: every message type reaches the operator', () => {
  it('text, as the visitor, in one JSON call', async () => {
    const r = await botWrites(stack, conversationId, 'text', { text: 'Hello agent', userId: 'user_x' })
    expect(r.status).toBe(200)
    const [req] = await sends()
    expect(req.body).toEqual({ text: 'Hello agent' })
    const [m] = await lastMessages(1)
    expect(m.sender.type).toBe('visitor')
    expect(m.message.text).toBe('Hello agent')
  })

  it("the plugin's own notices (no payload.userId) read as the bot's, not as the visitor's words", async () => {
    const r = await botWrites(stack, conversationId, 'text', { text: '( The user has ended the session. )' })
    expect(r.status).toBe(200)
    expect((await lastMessages(1))[0].message.text).toBe('Bot: ( The user has ended the session. )')
    await botWrites(stack, conversationId, 'text', { text: 'Thanks, bye', userId: 'user_x' })
    expect((await lastMessages(1))[0].message.text).toBe('Thanks, bye')
  })

  it('image, audio, video and file are uploaded as multipart files', async () => {
    for (const [type, field] of [
      ['image', 'imageUrl'],
      ['audio', 'audioUrl'],
      ['video', 'videoUrl'],
      ['file', 'fileUrl'],
    ] as const) {
      const r = await botWrites(stack, conversationId, type, {
        [field]: `${files.url}/ok.png`,
        title: `my ${type}`,
        userId: 'u',
      })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    const reqs = await sends()
    expect(reqs).toHaveLength(4)
    for (const req of reqs)
      expect(req.body.file).toMatchObject({ name: 'ok.png', size: files.png.length, contentType: 'image/png' })
    const messages = await lastMessages(4)
    for (const m of messages) expect(m.message.file?.name).toBe('ok.png')
  })

  it('a file over 50 MB or one that cannot be fetched is still delivered, as a link with its title', async () => {
    expect(
      (
        await botWrites(stack, conversationId, 'file', {
          fileUrl: `${files.url}/big.bin`,
          title: 'Huge video',
          userId: 'u',
        })
      ).status
    ).toBe(200)
    expect(
      (
        await botWrites(stack, conversationId, 'image', {
          imageUrl: `${files.url}/missing`,
          title: 'Gone',
          userId: 'u',
        })
      ).status
    ).toBe(200)
    const [big, missing] = await lastMessages(2)
    expect(big.message.text).toBe(`[file] Huge video ${files.url}/big.bin`)
    expect(missing.message.text).toBe(`[image] Gone ${files.url}/missing`)
  })

  it('bloc: every item, in order', async () => {
    const r = await botWrites(stack, conversationId, 'bloc', {
      items: [
        { type: 'text', payload: { text: 'first' } },
        { type: 'file', payload: { fileUrl: `${files.url}/report.pdf`, title: 'Report' } },
        { type: 'text', payload: { text: 'last' } },
      ],
      userId: 'u',
    })
    expect(r.status).toBe(200)
    const [a, b, c] = await lastMessages(3)
    expect(a.message.text).toBe('first')
    expect(b.message.file?.name).toBe('report.pdf')
    expect(c.message.text).toBe('last')
  })

  it('a message that cannot be delivered fails visibly with the cause', async () => {
    const empty = await botWrites(stack, conversationId, 'text', { text: '   ' })
    expect(empty.status).toBe(400)
    expect(JSON.stringify(empty.body)).toContain('empty')

    await zoho(stack, 'POST', `/conversations/${chatId}/complete`, {})
    const closed = await botWrites(stack, conversationId, 'text', { text: 'anyone?' })
    expect(closed.status).toBe(400)
    expect(JSON.stringify(closed.body)).toMatch(/SalesIQ/)
  })
})
