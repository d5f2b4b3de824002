import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { createWebhook, openChat, siq, startFast, startReceiver } from './helpers'

let em: ZohoEmulator
let client: ZohoEmulatorClient
let token: string
let rx: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  ;({ em, client } = await startFast())
  rx = await startReceiver()
})
afterAll(async () => {
  await em.close()
  await rx.close()
})
beforeEach(async () => {
  await client.reset()
  rx.state.received = []
  token = await client.accessToken()
})

const apps = () => `/api/v2/${em.credentials.screenName}/apps`

describe('HTTP faults', () => {
  it('answers 500 for a matching path, `count` times', async () => {
    await client.addFault({ path: '/api/v2/*/apps', status: 500, count: 1 })
    expect((await siq(em, token, 'GET', apps())).status).toBe(500)
    expect((await siq(em, token, 'GET', apps())).status).toBe(200)
  })

  it('answers 429 with Retry-After', async () => {
    await client.addFault({ path: '/oauth/v2/token', status: 429, retryAfterSec: 7 })
    const res = await fetch(`${em.url}/oauth/v2/token`, { method: 'POST' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
  })

  it('drops the connection', async () => {
    await client.addFault({ drop: true, count: 1 })
    await expect(fetch(`${em.url}${apps()}`)).rejects.toThrow()
    expect((await client.requests({ path: apps() }))[0]).toMatchObject({
      status: null,
      fault: expect.stringContaining('drop'),
    })
  })

  it('hangs until the client gives up, and adds latency', async () => {
    await client.addFault({ method: 'GET', path: apps(), hang: true, count: 1 })
    await expect(fetch(`${em.url}${apps()}`, { signal: AbortSignal.timeout(150) })).rejects.toThrow()
    await client.addFault({ path: apps(), latencyMs: 120, count: 1 })
    const t = Date.now()
    expect((await siq(em, token, 'GET', apps())).status).toBe(200)
    expect(Date.now() - t).toBeGreaterThanOrEqual(110)
  })

  it('throttles the token endpoint on demand', async () => {
    await client.throttleTokens(60_000)
    await expect(client.accessToken()).rejects.toThrow(/Access Denied/)
    await client.unthrottleTokens()
    expect(await client.accessToken()).toMatch(/^1000\./)
  })
})

describe('webhook faults', () => {
  it('duplicates a delivery', async () => {
    await createWebhook(em, token, rx.url, ['conversation.attender.updated'])
    await client.addWebhookFault({ action: 'duplicate', count: 1 })
    await openChat(em, token)
    await client.waitFor(async () => (await client.deliveries()).length === 2, 'two deliveries')
    expect(rx.state.received.map((r) => r.body.event_time)).toHaveLength(2)
    expect(new Set(rx.state.received.map((r) => r.raw)).size).toBe(1)
  })

  it('holds deliveries and releases them in reverse order', async () => {
    await createWebhook(em, token, rx.url, ['conversation.attender.updated', 'conversation.operator.replied'])
    await client.addWebhookFault({ action: 'hold' })
    const chat = await openChat(em, token)
    await client.waitFor(async () => (await client.heldDeliveries()).length === 1, 'held assignment')
    await client.operatorReply(chat.conversation_id, { text: 'hi' })
    await client.clearFaults()
    expect(await client.releaseDeliveries('reverse')).toEqual({ released: 2 })
    expect(rx.state.received.map((r) => r.body.event)).toEqual([
      'conversation.operator.replied',
      'conversation.attender.updated',
    ])
  })
})

describe('request log', () => {
  it('records method, path, query, body, status and auth scheme, and can be cleared', async () => {
    await siq(em, token, 'GET', `${apps()}?x=1`)
    const [entry] = await client.requests({ path: apps() })
    expect(entry).toMatchObject({
      method: 'GET',
      path: apps(),
      query: { x: '1' },
      status: 200,
      authScheme: 'Zoho-oauthtoken',
    })
    const tokenCalls = await client.requests({ method: 'POST', path: '/oauth/v2/token' })
    expect(tokenCalls[0].body).toMatchObject({ grant_type: 'refresh_token' })
    expect((await client.tokenStats()).refreshRequests).toBe(1)
    await client.clearRequests()
    expect(await client.requests()).toEqual([])
  })
})
