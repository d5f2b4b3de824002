import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { actionOk, botClient, botWrites, waitFor, zoho } from '../harness/helpers'

let stack: Stack
let conversationId: string

// Every call to the token endpoint, granted or refused.
const tokenRequests = async () =>
  (await zoho<{ tokenEndpointCalls: number }>(stack, 'GET', '/tokens')).tokenEndpointCalls

beforeAll(async () => {
  stack = await startStack({ bot: false, register: false, instances: 1, zohoSettings: { autoAssignDelayMs: 60_000 } })
  const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Tom' })
  ;({ conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', { userId, messageHistory: [] }))
})
afterAll(async () => stack?.close())

describe('access tokens', () => {
  it('are cached: many calls, one token request', async () => {
    const before = await tokenRequests()
    for (let i = 0; i < 5; i++)
      expect((await botWrites(stack, conversationId, 'text', { text: `m${i}` })).status).toBe(200)
    expect(await tokenRequests()).toBe(before)
  })

  it('20 concurrent sends after the token was invalidated cause exactly one refresh, and all arrive', async () => {
    const before = await tokenRequests()
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        botWrites(stack, conversationId, 'text', { text: `burst ${i}`, userId: 'u' })
      )
    )
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(await tokenRequests()).toBe(before + 1)
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
    const texts = new Set(chat.messages.map((m: any) => m.message.text))
    for (let i = 0; i < 20; i++) expect(texts.has(`burst ${i}`)).toBe(true)
  })

  it('a throttled token endpoint gives a clear error, no storm, and works again once Zoho stops throttling', async () => {
    await zoho(stack, 'POST', '/tokens/throttle', { durationMs: 600_000 })
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    const before = await tokenRequests()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => botWrites(stack, conversationId, 'text', { text: `throttled ${i}` }))
    )
    for (const r of results) {
      expect(r.status).toBe(400)
      expect(JSON.stringify(r.body)).toMatch(/throttling token requests/)
    }
    // Later sends fail fast from the stored "blocked until", without asking Zoho again.
    await botWrites(stack, conversationId, 'text', { text: 'still throttled' })
    expect((await tokenRequests()) - before).toBeLessThanOrEqual(1)

    await zoho(stack, 'DELETE', '/tokens/throttle')
    await waitFor(
      'sending to work again',
      async () => (await botWrites(stack, conversationId, 'text', { text: 'back' })).status === 200,
      60_000
    )
    expect((await tokenRequests()) - before).toBeLessThanOrEqual(3)
  }, 90_000)

  it('never logs a secret', () => {
    const output = stack.pool.output()
    expect(output).not.toContain(String(stack.configuration.clientSecret))
    expect(output).not.toContain(String(stack.configuration.refreshToken))
    expect(output).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/) // the emulator's access token format
  })
})
