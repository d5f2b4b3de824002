import { isApiError } from '@botpress/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BOT_ID, INTEGRATION_ALIAS, INTEGRATION_ID, start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start({ pageSize: 5 })
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

describe('users', () => {
  it('getOrCreateUser with discriminateByTags is idempotent under 20 concurrent calls', async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      h.integration.getOrCreateUser({
        tags: { zohoId: 'v-1', attempt: String(i) },
        name: 'Ann',
        discriminateByTags: ['zohoId'],
      })
    )
    const ids = new Set((await Promise.all(calls)).map((r) => r.user.id))
    expect(ids.size).toBe(1)
    expect(h.emulator.bot(BOT_ID).users.size).toBe(1)
  })

  it('without discriminateByTags all given tags must match', async () => {
    const a = await h.integration.getOrCreateUser({ tags: { zohoId: 'v-1', kind: 'visitor' } })
    const b = await h.integration.getOrCreateUser({ tags: { zohoId: 'v-1', kind: 'visitor' } })
    const c = await h.integration.getOrCreateUser({ tags: { zohoId: 'v-1', kind: 'operator' } })
    expect(b.user.id).toBe(a.user.id)
    expect(c.user.id).not.toBe(a.user.id)
  })

  it('updates tags and fields, and records which integration created the user', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'op-1' }, name: 'Op' })
    const { user: updated } = await h.integration.updateUser({
      id: user.id,
      tags: { email: 'op@x.io' },
      pictureUrl: 'https://p/x.png',
    })
    expect(updated).toMatchObject({
      id: user.id,
      name: 'Op',
      pictureUrl: 'https://p/x.png',
      tags: { zohoId: 'op-1', email: 'op@x.io' },
    })
    expect((await h.bot.getUser({ id: user.id })).user.tags).toEqual({ zohoId: 'op-1', email: 'op@x.io' })
    const dump = await h.control.dump(BOT_ID)
    expect(dump.bots[BOT_ID].users[0].createdBy).toEqual({
      integrationId: INTEGRATION_ID,
      integrationAlias: INTEGRATION_ALIAS,
    })
  })

  it('a missing user is a 404 the client turns into ResourceNotFound (isApiError)', async () => {
    const err: unknown = await h.integration.getUser({ id: 'user_missing' }).catch((e: unknown) => e)
    expect(isApiError(err)).toBe(true)
    expect(err).toMatchObject({ type: 'ResourceNotFound', code: 404 })
    const [logged] = await h.control.requests({ path: '/v1/chat/users/*', status: 404 })
    expect(logged).toMatchObject({ method: 'GET', errorType: 'ResourceNotFound' })
  })

  it('bad input is InvalidPayload (400) naming the field', async () => {
    const err: unknown = await h.integration
      .getOrCreateUser({ tags: 'nope' as unknown as Record<string, string> })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'InvalidPayload', code: 400 })
    expect((err as Error).message).toContain('tags')
  })
})

describe('conversations and messages', () => {
  it('getOrCreateConversation is idempotent under 20 concurrent calls, and scoped by channel', async () => {
    const calls = Array.from({ length: 20 }, () =>
      h.integration.getOrCreateConversation({
        channel: 'hitl',
        tags: { chatId: '42', extra: 'x' },
        discriminateByTags: ['chatId'],
      })
    )
    const ids = new Set((await Promise.all(calls)).map((r) => r.conversation.id))
    expect(ids.size).toBe(1)
    const other = await h.integration.getOrCreateConversation({
      channel: 'other',
      tags: { chatId: '42' },
      discriminateByTags: ['chatId'],
    })
    expect(ids.has(other.conversation.id)).toBe(false)
    expect(other.conversation.integration).toBe(INTEGRATION_ALIAS)
  })

  it('lists conversations by tags, channel and participantIds, page by page', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'v' } })
    const created: string[] = []
    for (let i = 0; i < 12; i++) {
      const { conversation } = await h.integration.getOrCreateConversation({
        channel: i % 4 === 0 ? 'other' : 'hitl',
        tags: { chatId: String(i), group: i < 8 ? 'a' : 'b' },
      })
      created.push(conversation.id)
      if (i % 2 === 0) {
        await h.integration.createMessage({
          conversationId: conversation.id,
          userId: user.id,
          type: 'text',
          payload: { text: 'x' },
          tags: {},
        })
      }
    }
    const all = await h.integration.list.conversations({ tags: { group: 'a' }, channel: 'hitl' }).collect()
    expect(all.map((c) => c.tags.chatId).sort()).toEqual(['1', '2', '3', '5', '6', '7'])
    const first = await h.integration.listConversations({ tags: { group: 'a' }, channel: 'hitl' })
    expect(first.conversations).toHaveLength(5)
    expect(first.meta.nextToken).toBeDefined()
    const second = await h.integration.listConversations({
      tags: { group: 'a' },
      channel: 'hitl',
      nextToken: first.meta.nextToken,
    })
    expect(second.conversations).toHaveLength(1)
    expect(second.meta.nextToken).toBeUndefined()
    const withUser = await h.integration.list.conversations({ participantIds: [user.id] }).collect()
    expect(withUser.map((c) => Number(c.tags.chatId)).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10])
    const users = await h.integration.listUsers({ conversationId: created[2] })
    expect(users.users.map((u) => u.id)).toEqual([user.id])
  })

  it('messages: direction by caller, getOrCreate dedupe, list newest first with tag filter, events emitted', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'op' } })
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { chatId: '1' } })
    const seen: string[] = []
    h.emulator.events.on('message.created', (e) =>
      seen.push(`${e.message.direction}:${e.conversation.id === conversation.id}`)
    )
    const incoming = await h.integration.createMessage({
      conversationId: conversation.id,
      userId: user.id,
      type: 'text',
      payload: { text: 'from operator' },
      tags: { zohoMsgId: 'm1' },
    })
    const outgoing = await h.bot.createMessage({
      conversationId: conversation.id,
      userId: BOT_ID,
      type: 'text',
      payload: { text: 'to operator' },
      tags: {},
    })
    expect(incoming.message.direction).toBe('incoming')
    expect(outgoing.message.direction).toBe('outgoing')
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.integration.getOrCreateMessage({
          conversationId: conversation.id,
          userId: user.id,
          type: 'text',
          payload: { text: 'dup' },
          tags: { zohoMsgId: 'm1' },
          discriminateByTags: ['zohoMsgId'],
        })
      )
    )
    expect(new Set(again.map((r) => r.message.id))).toEqual(new Set([incoming.message.id]))
    const list = await h.bot.listMessages({ conversationId: conversation.id })
    expect(list.messages.map((m) => m.id)).toEqual([outgoing.message.id, incoming.message.id])
    const tagged = await h.bot.listMessages({ conversationId: conversation.id, tags: { zohoMsgId: 'm1' } })
    expect(tagged.messages.map((m) => m.id)).toEqual([incoming.message.id])
    expect(seen).toEqual(['incoming:true', 'outgoing:true'])
    h.emulator.events.removeAllListeners('message.created')
  })

  it('createMessage in a missing conversation is ResourceNotFound', async () => {
    const err: unknown = await h.integration
      .createMessage({ conversationId: 'conv_missing', userId: BOT_ID, type: 'text', payload: { text: 'x' }, tags: {} })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'ResourceNotFound', code: 404 })
  })

  it('updateConversation merges tags; an empty value removes one', async () => {
    const { conversation } = await h.integration.getOrCreateConversation({
      channel: 'hitl',
      tags: { chatId: '9', state: 'open' },
    })
    const { conversation: updated } = await h.integration.updateConversation({
      id: conversation.id,
      tags: { state: '', closedBy: 'op' },
    })
    expect(updated.tags).toEqual({ chatId: '9', closedBy: 'op' })
  })
})
