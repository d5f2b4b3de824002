import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient, type Json } from '../../sandbox/zoho/client'

/**
 * register / unregister through the integration protocol, against the Zoho emulator: idempotent webhook setup,
 * one precise error per configuration mistake, and the manual path when SalesIQ refuses to create the webhook.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
let base: Record<string, unknown>

beforeAll(async () => {
  stack = await startStack({ bot: false, register: false, zohoSettings: { autoConsent: true } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
  base = { ...stack.configuration }
})
afterAll(async () => stack?.close())
beforeEach(async () => {
  stack.pool.configuration = { ...base }
  for (const w of (await zoho.state()).webhooks) await deleteWebhookDirectly(w.id)
})

const register = () => stack.pool.call('register', { webhookUrl: stack.webhookUrl })
const unregister = () => stack.pool.call('unregister', { webhookUrl: stack.webhookUrl })
const webhooks = async () => (await zoho.state()).webhooks as Array<Record<string, Json>>
const message = (answer: { body: unknown }) => String((answer.body as { message?: string })?.message ?? '')
const integrationState = (name: string) =>
  stack.botpress.dump().bots[stack.identity.botId]?.states.find((s) => s.type === 'integration' && s.name === name)
    ?.payload as Record<string, Json> | undefined

async function deleteWebhookDirectly(id: string) {
  const token = await zoho.accessToken()
  await fetch(`${stack.zoho.url}/api/v2/${stack.zoho.credentials.screenName}/webhooks/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Zoho-oauthtoken ${token}` },
  })
}

/** A refresh token with only some scopes, obtained the way a bot owner would (consent + code exchange). */
async function refreshTokenWithScopes(scopes: string[]): Promise<string> {
  const c = stack.zoho.credentials
  const redirectUri = 'https://example.invalid/callback'
  const consent = new URL(`${stack.zoho.url}/oauth/v2/org/auth`)
  consent.search = new URLSearchParams({
    client_id: c.clientId,
    response_type: 'code',
    access_type: 'offline',
    scope: scopes.join(','),
    redirect_uri: redirectUri,
    state: 'x',
  }).toString()
  const redirect = await fetch(consent, { redirect: 'manual' })
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!
  const res = await fetch(`${stack.zoho.url}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uri: redirectUri,
    }),
  })
  return ((await res.json()) as { refresh_token: string }).refresh_token
}

describe('register', () => {
  it('creates one secured data webhook for the app, with a key, and stores that key', async () => {
    const answer = await register()
    expect(answer.status).toBe(200)
    const list = await webhooks()
    expect(list).toHaveLength(1)
    const [hook] = list
    expect(hook!.url).toBe(stack.webhookUrl)
    expect(hook!.type).toBe('data')
    expect(String(hook!.secured)).toBe('true')
    expect(hook!.app_ids).toEqual([stack.zoho.ids.appId])
    expect(hook!.events).toEqual(
      expect.arrayContaining([
        'conversation.attender.updated',
        'conversation.operator.replied',
        'conversation.completed',
        'conversation.missed',
        'conversation.transfer.accepted',
      ])
    )
    expect(hook!.events).not.toContain('conversation.visitor.replied')
    expect(hook!.public_keys).toHaveLength(1)
    const setup = integrationState('setup')
    expect(setup).toMatchObject({
      webhookUrl: stack.webhookUrl,
      webhookId: hook!.id,
      publicKeys: [hook!.public_keys[0].key],
    })
  })

  it('is idempotent: saving twice keeps one webhook and one key', async () => {
    expect((await register()).status).toBe(200)
    const first = await webhooks()
    expect((await register()).status).toBe(200)
    const second = await webhooks()
    expect(second).toHaveLength(1)
    expect(second[0]!.id).toBe(first[0]!.id)
    expect(second[0]!.public_keys).toEqual(first[0]!.public_keys)
  })

  it('repairs a webhook that was changed by hand (events, app) instead of adding one', async () => {
    await register()
    const [hook] = await webhooks()
    const token = await zoho.accessToken()
    await fetch(`${stack.zoho.url}/api/v2/${stack.zoho.credentials.screenName}/webhooks/${hook!.id}`, {
      method: 'PUT',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: ['conversation.visitor.replied'] }),
    })
    expect((await register()).status).toBe(200)
    const after = await webhooks()
    expect(after).toHaveLength(1)
    expect(after[0]!.events).not.toContain('conversation.visitor.replied')
    expect(after[0]!.events).toContain('conversation.operator.replied')
  })

  describe('names each configuration mistake', () => {
    const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
      ['a wrong screen name', () => ({ screenName: 'no-such-portal' }), /screenName/],
      ['an unknown app', () => ({ appId: '999999999' }), /Unknown app.*"appId"/],
      ['an unknown department', () => ({ departmentId: '999999999' }), /Unknown department.*"departmentId"/],
      [
        'a department of another app',
        () => ({ departmentId: stack.zoho.ids.billingDepartmentId }),
        /does not belong to app/,
      ],
      ['a wrong client secret', () => ({ clientSecret: 'wrong' }), /clientSecret/],
      ['a revoked or foreign refresh token', () => ({ refreshToken: '1000.nope.nope' }), /refresh token/i],
    ]
    for (const [what, patch, expected] of cases) {
      it(what, async () => {
        stack.pool.configuration = { ...base, ...patch() }
        const answer = await register()
        expect(answer.status).toBe(400)
        expect((answer.body as { type?: string }).type).toBe('Runtime')
        expect(message(answer)).toMatch(expected)
        expect(await webhooks()).toHaveLength(0)
      })
    }
  })

  it('without a refresh token: succeeds, creates nothing, and logs the one-click authorization link', async () => {
    const { refreshToken: _, ...withoutToken } = base
    stack.pool.configuration = withoutToken
    const answer = await register()
    expect(answer.status).toBe(200)
    expect(await webhooks()).toHaveLength(0)
    expect(stack.pool.output()).toContain(`${stack.webhookUrl}/oauth/start`)
  })

  it('when SalesIQ refuses to create the webhook (no webhook scope): explains the manual path', async () => {
    const limited = await refreshTokenWithScopes([
      'SalesIQ.conversations.ALL',
      'SalesIQ.apps.READ',
      'SalesIQ.departments.READ',
      'SalesIQ.operators.READ',
    ])
    stack.pool.configuration = { ...base, refreshToken: limited }
    const answer = await register()
    expect(answer.status).toBe(400)
    expect(message(answer)).toMatch(/create it by hand/)
    expect(message(answer)).toContain(stack.webhookUrl)
    expect(message(answer)).toMatch(/webhookPublicKey/)

    // The manual path: the key pasted in the configuration makes register succeed.
    stack.pool.configuration = { ...base, refreshToken: limited, webhookPublicKey: 'MIIBIjANBgkq...' }
    expect((await register()).status).toBe(200)
  })
})

describe('unregister', () => {
  it('deletes our webhook, and tolerates it being gone already', async () => {
    await register()
    expect(await webhooks()).toHaveLength(1)
    expect((await unregister()).status).toBe(200)
    expect(await webhooks()).toHaveLength(0)
    expect((await unregister()).status).toBe(200)
  })
})

describe('the webhook URL', () => {
  it("answers SalesIQ's HEAD check with 200", async () => {
    const res = await fetch(stack.webhookUrl, { method: 'HEAD' })
    expect(res.status).toBe(200)
  })
})

describe('logs', () => {
  it('never contain a secret', () => {
    const out = stack.pool.output()
    expect(out).not.toContain(stack.zoho.credentials.clientSecret)
    expect(out).not.toContain(stack.zoho.credentials.refreshToken)
  })
})
