import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, actionOk, botWrites, zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { scale } from './support/profile'
import { findSecrets } from './support/secrets'
import { closeAndScan, outputOf, secretsOf, startTracked, type Tracked } from './support/tracked-stack'

/**
 * No secret in anything the integration shows. Every stack of this suite is scanned when it closes (closeAndScan:
 * integration output, protocol answers and pages, Botpress objects, the operator's view, requests to SalesIQ, this
 * process's output); this file drives the paths most likely to leak — failing credentials, OAuth pages, refused
 * deliveries, throttling — and checks the scanner itself catches a planted secret. Plus: the OAuth redirect cannot
 * replace credentials without a valid code and state, and its page escapes whatever it echoes.
 */
let stack: Tracked
beforeAll(async () => {
  stack = await startTracked({ bot: false, zohoSettings: { autoConsent: true } })
})
afterAll(() => closeAndScan(stack))

const page = (query: string) => fetch(`${stack.webhookUrl}${query}`, { redirect: 'manual' })
const oauthState = () =>
  stack.botpress.dump().bots[stack.identity.botId]?.states.find((s) => s.type === 'integration' && s.name === 'oauth')
    ?.payload

describe('secrets', () => {
  it('the scanner finds a planted secret (so a leak cannot pass unnoticed)', () => {
    const secrets = secretsOf(stack)
    expect(findSecrets(`x ${stack.configuration.clientSecret} y`, secrets)).toContain('the client secret')
    expect(
      findSecrets(`Authorization: Zoho-oauthtoken 1000.${'a'.repeat(32)}.${'b'.repeat(32)}`, secrets)
    ).toHaveLength(1)
    expect(findSecrets('-----BEGIN PRIVATE KEY-----', secrets)).toContain('a private key')
  })

  it('none in the output of failing credentials, refused deliveries, throttling and OAuth pages', async () => {
    const base = { ...stack.pool.configuration }
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Sec' })
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      messageHistory: [],
    })
    for (const patch of [{ clientSecret: 'wrong-secret' }, { refreshToken: '1000.nope.nope' }, { clientId: 'x' }]) {
      stack.pool.configuration = { ...base, ...patch }
      await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
      await action(stack, 'startHitl', { userId, messageHistory: [] })
    }
    stack.pool.configuration = base
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    await zoho(stack, 'POST', '/tokens/throttle', { durationMs: 60_000 })
    await botWrites(stack, conversationId, 'text', { text: 'while throttled' })
    await zoho(stack, 'DELETE', '/tokens/throttle')
    await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-siqsignature': 'AAAA' },
      body: '{"event":"x"}',
    })
    for (const q of ['/oauth/start', '?error=access_denied', '?code=1000.abc&state=forged', ''])
      await (await page(q)).text()
    const sources = await outputOf(stack)
    const leaks = Object.entries(sources).flatMap(([source, text]) =>
      findSecrets(text, secretsOf(stack)).map((w) => `${w} in ${source}`)
    )
    const bytes = Object.values(sources).reduce((n, t) => n + t.length, 0)
    record({
      fault: 'secret scan (credential failures, OAuth, throttling)',
      where: 'all output',
      sent: bytes,
      delivered: 0,
      duplicated: 0,
      lost: leaks.length,
      outcome: leaks.length ? `FAIL: ${leaks.join('; ')}` : `ok: 0 secrets in ${bytes} bytes`,
    })
    expect(leaks).toEqual([])
  })
})

describe('OAuth redirect', () => {
  it('a genuine state with an invalid code does not replace the credentials', async () => {
    // A genuine state: saved without a refresh token, the configuration logs the link that hands one out.
    const configured = stack.pool.configuration
    stack.pool.configuration = { ...configured, refreshToken: undefined }
    await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
    stack.pool.configuration = configured
    const link = stack.pool
      .output()
      .match(/http:\/\/\S+\/oauth\/start\?link=[\w.-]+/g)!
      .pop()!
    const start = await fetch(link, { redirect: 'manual' })
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    const before = JSON.stringify(oauthState() ?? null)
    const res = await page(
      `?${new URLSearchParams({ code: '1000.invalid', state, location: 'us', 'accounts-server': stack.zoho.url })}`
    )
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(await res.text()).not.toMatch(/Connected/)
    expect(JSON.stringify(oauthState() ?? null)).toBe(before)
  })

  it('escapes whatever it echoes (random input)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).map((s) => `<b x="${s}">'&`),
        async (evil) => {
          const html = await (await page(`?error=${encodeURIComponent(evil)}`)).text()
          expect(html).not.toContain('<b x=')
          expect(html).not.toContain(evil)
        }
      ),
      { numRuns: scale(30, 300) }
    )
  })
})
