import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, actionOk, botClient, botWrites, startFileHost, zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Actions and messages with invalid input: a clear error (a 4xx RuntimeError naming the problem) and no partial
 * state — no SalesIQ chat, no Botpress object. Files that cannot be fetched are delivered as a link. (Unknown user on
 * startHitl, unknown conversation on stopHitl, empty text, 404 and > 50 MB files are in test/integration.)
 */
let stack: Tracked
let conversationId: string
let chatId: string
let files: Awaited<ReturnType<typeof startFileHost>>

beforeAll(async () => {
  files = await startFileHost() // before the stack: its integration may fetch from it
  stack = await startTracked({ bot: false, register: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Bea' })
  ;({ conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', { userId, messageHistory: [] }))
  chatId = (await botClient(stack).getConversation({ id: conversationId })).conversation.tags.chatId!
})
afterAll(async () => {
  await files?.close()
  await closeAndScan(stack)
})

const snapshot = async () => {
  const b = stack.botpress.dump().bots[stack.identity.botId]!
  const chats = await zoho<any[]>(stack, 'GET', '/conversations')
  return {
    users: b.users.length,
    conversations: b.conversations.length,
    chats: chats.length,
    messages: chats.reduce((n, c) => n + (c.messages?.length ?? 0), 0),
  }
}
const messageOf = (body: unknown) => String((body as { message?: string })?.message ?? JSON.stringify(body))

describe('invalid action input: a clear error, nothing half done', () => {
  const cases: Array<[string, string, () => Record<string, unknown>, RegExp]> = [
    ['startHitl without userId', 'startHitl', () => ({ messageHistory: [] }), /userId|user/i],
    ['startHitl with an empty userId', 'startHitl', () => ({ userId: '', messageHistory: [] }), /user/i],
    ['stopHitl without conversationId', 'stopHitl', () => ({}), /conversation/i],
    ['stopHitl on a non-hitl conversation id', 'stopHitl', () => ({ conversationId: 'conv_nope' }), /conversation/i],
    [
      'createUser with a non-string name',
      'createUser',
      () => ({ name: 42, email: 'not an email' }),
      /name|email|invalid/i,
    ],
  ]
  for (const [what, type, input, expected] of cases) {
    it(what, async () => {
      const before = await snapshot()
      const answer = await action(stack, type, input())
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
      expect(messageOf(answer.body)).toMatch(expected)
      expect(await snapshot()).toEqual(before)
    })
  }
})

describe('invalid messages: a clear error, nothing sent', () => {
  const cases: Array<[string, () => Promise<{ status: number; body: unknown }>, RegExp]> = [
    ['text with no text field', () => botWrites(stack, conversationId, 'text', {}), /empty|text/i],
    ['image with no URL', () => botWrites(stack, conversationId, 'image', { title: 'x' }), /imageUrl/],
    ['an empty bloc', () => botWrites(stack, conversationId, 'bloc', { items: [] }), /empty|nothing|bloc/i],
    [
      'a message in a conversation startHitl never opened',
      async () => {
        const { conversation } = await botClient(stack)
          .createConversation({ channel: 'hitl', tags: {} } as never)
          .catch(() => ({ conversation: { id: 'conv_x', tags: {} } as any }))
        return stack.pool.call('message_created', {
          type: 'text',
          payload: { text: 'lost?' },
          conversation: { ...conversation, tags: {} },
          message: {
            id: 'msg_x',
            type: 'text',
            payload: { text: 'lost?' },
            conversationId: conversation.id,
            userId: stack.identity.botId,
            tags: {},
          },
          user: { id: stack.identity.botId, tags: {} },
        })
      },
      /no SalesIQ chat|startHitl/,
    ],
  ]
  for (const [what, send, expected] of cases) {
    it(what, async () => {
      const before = await snapshot()
      const answer = await send()
      record({
        fault: `bad input: ${what}`,
        where: 'message_created',
        sent: 1,
        delivered: 0,
        duplicated: 0,
        lost: answer.status === 200 ? 1 : 0,
        told: answer.status >= 400 ? 1 : 0,
        outcome:
          answer.status >= 400
            ? `ok: ${answer.status} "${messageOf(answer.body).slice(0, 50)}"`
            : 'FAIL: accepted silently',
      })
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
      expect(messageOf(answer.body)).toMatch(expected)
      const after = await snapshot()
      expect(after.chats).toBe(before.chats)
      expect(after.messages).toBe(before.messages)
    })
  }
})

describe('files that cannot be fetched are delivered as a link', () => {
  it('a host that refuses connections, and a non-http URL', async () => {
    const refused = 'http://127.0.0.1:9/nothing-listens.png'
    for (const [type, payload] of [
      ['image', { imageUrl: refused, title: 'Refused', userId: 'u' }],
      ['file', { fileUrl: 'ftp://example.invalid/report.pdf', title: 'FTP', userId: 'u' }],
      ['file', { fileUrl: `${files.url}/big.bin`, title: 'Over 50 MB', userId: 'u' }],
    ] as const) {
      const r = await botWrites(stack, conversationId, type, payload)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    const texts = (await zoho(stack, 'GET', `/conversations/${chatId}`)).messages
      .slice(-3)
      .map((m: any) => m.message.text)
    expect(texts).toEqual([
      `[image] Refused ${refused}`,
      '[file] FTP ftp://example.invalid/report.pdf',
      `[file] Over 50 MB ${files.url}/big.bin`,
    ])
    record({
      fault: 'unreachable / non-http / > 50 MB file URL',
      where: 'send file',
      sent: 3,
      delivered: 3,
      duplicated: 0,
      lost: 0,
      outcome: 'ok: delivered as links',
    })
  })
})
