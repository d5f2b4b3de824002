import { Client, isApiError } from '@botpress/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BOT_ID, INTEGRATION_ID, sdkRetry, start, type Harness } from './helpers'

let h: Harness
let retrying: Client
beforeAll(async () => {
  h = await start()
  retrying = new Client({ apiUrl: h.emulator.url, botId: BOT_ID, integrationId: INTEGRATION_ID, retry: sdkRetry })
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

describe('fault injection', () => {
  it('a 500 reaches the client as an Internal API error, once per `count`', async () => {
    const fault = await h.control.addFault({ path: '/v1/chat/users/get-or-create', status: 500, count: 1 })
    const err: unknown = await h.integration.getOrCreateUser({ tags: { a: '1' } }).catch((e: unknown) => e)
    expect(isApiError(err)).toBe(true)
    expect(err).toMatchObject({ type: 'Internal', code: 500 })
    await expect(h.integration.getOrCreateUser({ tags: { a: '1' } })).resolves.toBeDefined()
    expect((await h.control.faults()).find((f) => f.id === fault.id)?.fired).toBe(1)
    const logged = await h.control.requests({ path: '/v1/chat/users/*' })
    expect(logged.map((r) => [r.status, r.faultId])).toEqual([
      [500, fault.id],
      [200, undefined],
    ])
  })

  it('`caller` limits a fault to one integration, or to the bot', async () => {
    await h.control.addFault({ path: '/v1/chat/users/get-or-create', status: 500, caller: INTEGRATION_ID })
    await expect(h.bot.getOrCreateUser({ tags: { a: '2' } })).resolves.toBeDefined()
    await expect(h.integration.getOrCreateUser({ tags: { a: '2' } })).rejects.toMatchObject({ code: 500 })
    await h.control.clearFaults()
    await h.control.addFault({ path: '/v1/chat/users/get-or-create', status: 500, caller: 'bot' })
    await expect(h.integration.getOrCreateUser({ tags: { a: '2' } })).resolves.toBeDefined()
    await expect(h.bot.getOrCreateUser({ tags: { a: '2' } })).rejects.toMatchObject({ code: 500 })
  })

  it('a 429 with Retry-After: the SDK retry policy retries it; a client without retries sees RateLimited', async () => {
    await h.control.addFault({ method: 'POST', path: '/v1/chat/messages*', status: 429, retryAfterSec: 0, count: 2 })
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { c: '1' } })
    const { message } = await retrying.createMessage({
      conversationId: conversation.id,
      userId: BOT_ID,
      type: 'text',
      payload: { text: 'x' },
      tags: {},
    })
    expect(message.id).toMatch(/^msg_/)
    const attempts = await h.control.requests({ method: 'POST', path: '/v1/chat/messages' })
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200])

    await h.control.addFault({ path: '/v1/chat/messages', status: 429, retryAfterSec: 7, count: 1 })
    const err: unknown = await h.integration
      .createMessage({
        conversationId: conversation.id,
        userId: BOT_ID,
        type: 'text',
        payload: { text: 'y' },
        tags: {},
      })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'RateLimited', code: 429 })
    const raw = await fetch(`${h.emulator.url}/v1/chat/users/x`, { headers: { 'x-bot-id': BOT_ID } })
    expect(raw.status).toBe(404) // the fault above was used up
  })

  it('a 502 is retried by the SDK policy; latency delays the answer; probability 0 never fires', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { u: '1' } })
    await h.control.addFault({ path: '/v1/chat/users/*', status: 502, count: 1 })
    await expect(retrying.getUser({ id: user.id })).resolves.toMatchObject({ user: { id: user.id } })
    await h.control.addFault({ path: '/v1/chat/users/*', latencyMs: 150, count: 1 })
    const t0 = Date.now()
    await h.integration.getUser({ id: user.id })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
    await h.control.addFault({ status: 500, probability: 0 })
    await expect(h.integration.getUser({ id: user.id })).resolves.toBeDefined()
  })

  it('a dropped connection is a network error (retried by the SDK policy)', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { u: '2' } })
    await h.control.addFault({ method: 'GET', path: '/v1/chat/users/*', drop: true, count: 1 })
    await expect(retrying.getUser({ id: user.id })).resolves.toBeDefined()
    const logged = await h.control.requests({ method: 'GET', path: '/v1/chat/users/*' })
    expect(logged.map((r) => r.status)).toEqual([0, 200])
  })
})

describe('request log, dump and reset', () => {
  it('logs method, path, query, caller headers and body; filters; clears', async () => {
    await h.integration.getOrCreateUser({ tags: { zohoId: 'v' }, name: 'V' })
    await h.integration.listConversations({ tags: { chatId: '7' }, channel: 'hitl' })
    const [list] = await h.control.requests({ path: '/v1/chat/conversations' })
    expect(list.query).toEqual({ 'tags.chatId': '7', channel: 'hitl' })
    expect(list.headers).toMatchObject({ 'x-bot-id': BOT_ID, 'x-integration-id': INTEGRATION_ID })
    const [create] = await h.control.requests({ method: 'POST', integrationId: INTEGRATION_ID })
    expect(create.body).toMatchObject({ tags: { zohoId: 'v' }, name: 'V' })
    const since = (await h.control.requests()).at(-1)?.seq ?? 0
    expect(await h.control.requests({ since })).toEqual([])
    await h.control.clearRequests()
    expect(await h.control.requests()).toEqual([])
  })

  it('dump shows every object per bot with its creator; reset forgets everything', async () => {
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'v' } })
    const { conversation } = await h.bot.getOrCreateConversation({ channel: 'hitl', tags: { c: '1' } })
    await h.integration.createMessage({
      conversationId: conversation.id,
      userId: user.id,
      type: 'text',
      payload: { text: 'x' },
      tags: {},
    })
    const dump = await h.control.dump()
    const bot = dump.bots[BOT_ID]
    expect(bot.users).toHaveLength(1)
    expect(bot.conversations[0]).toMatchObject({ id: conversation.id, participantIds: [user.id], createdBy: {} })
    expect(bot.messages[0]).toMatchObject({ direction: 'incoming', createdBy: { integrationId: INTEGRATION_ID } })
    await h.control.reset()
    expect((await h.control.dump()).bots).toEqual({})
    await expect(h.integration.getUser({ id: user.id })).rejects.toMatchObject({ type: 'ResourceNotFound' })
  })

  it('a request without x-bot-id is rejected; an unknown route is MethodNotFound', async () => {
    const noBot = await fetch(`${h.emulator.url}/v1/chat/users/x`)
    expect(noBot.status).toBe(400)
    expect(await noBot.json()).toMatchObject({ type: 'InvalidPayload' })
    const unknown = await fetch(`${h.emulator.url}/v1/chat/nothing-here`, { headers: { 'x-bot-id': BOT_ID } })
    expect(await unknown.json()).toMatchObject({ type: 'MethodNotFound' })
  })
})
