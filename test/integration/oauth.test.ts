import { createServer } from 'node:http'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient, type Json } from '../../sandbox/zoho/client'
import { actionOk } from '../harness/helpers'

/**
 * The one-click OAuth flow, with a browser's eyes (plain fetch, redirects followed by hand): register without a
 * refresh token logs a single-use link `<webhook URL>/oauth/start?link=…`; that link leads to Zoho's consent page,
 * whose redirect back to the webhook URL stores a refresh token and finishes the setup. Untrusted input on the way
 * is refused and escaped.
 */
let stack: Stack
let zoho: ZohoEmulatorClient

beforeAll(async () => {
  stack = await startStack({
    bot: false,
    register: false,
    configuration: { refreshToken: undefined },
    zohoSettings: { autoConsent: true },
  })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => stack?.close())

const get = (url: string) => fetch(url, { redirect: 'manual' })
const tokenRequests = async () => (await zoho.requests({ path: '/oauth/v2/token' })).length
const integrationState = (name: string) =>
  stack.botpress.dump().bots[stack.identity.botId]?.states.find((s) => s.type === 'integration' && s.name === name)
    ?.payload as Record<string, Json> | undefined

/** The last authorization link register logged. */
const loggedLink = () => {
  const links = stack.pool.output().match(/http:\/\/\S+\/oauth\/start\?link=[\w.-]+/g) ?? []
  return links[links.length - 1]!
}

/** A fresh, genuine state: save the configuration (a new link is logged), open the link. */
async function genuineState(): Promise<string> {
  expect((await stack.pool.call('register', { webhookUrl: stack.webhookUrl })).status).toBe(200)
  const res = await get(loggedLink())
  return new URL(res.headers.get('location')!).searchParams.get('state')!
}

describe('OAuth without cURL', () => {
  it('/oauth/start before the configuration was ever saved says so', async () => {
    const res = await get(`${stack.webhookUrl}/oauth/start`)
    expect(res.status).toBe(409)
    expect(await res.text()).toMatch(/Save the integration configuration first/)
  })

  it('register without a refresh token logs the link and succeeds', async () => {
    const answer = await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
    expect(answer.status).toBe(200)
    expect(loggedLink().startsWith(`${stack.webhookUrl}/oauth/start?link=`)).toBe(true)
    expect((await zoho.state()).webhooks).toHaveLength(0)
  })

  it('a bare /oauth/start (or a forged link) says where the link is, and redirects nowhere', async () => {
    const bare = await get(`${stack.webhookUrl}/oauth/start`)
    expect(bare.status).toBe(200)
    expect(bare.headers.get('location')).toBeNull()
    expect(await bare.text()).toMatch(/authorization link from the bot&#39;s logs/)
    const forged = await get(`${stack.webhookUrl}/oauth/start?link=0123456789ab.${'A'.repeat(43)}`)
    expect(forged.status).toBe(403)
    expect(forged.headers.get('location')).toBeNull()
  })

  it('the logged link works once', async () => {
    await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
    const link = loggedLink()
    expect((await get(link)).status).toBe(302)
    const again = await get(link)
    expect(again.status).toBe(403)
    expect(again.headers.get('location')).toBeNull()
  })

  it('until the setup is finished, webhook deliveries are refused (no key to check them with) and the log says why', async () => {
    const res = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-siqsignature': 'c2ln' },
      body: JSON.stringify({ event: 'conversation.completed', entity_id: '1', entity: {} }),
    })
    expect(res.status).toBe(401)
    expect(stack.pool.output()).toMatch(/no webhook key is known yet/)
  })

  it("a refused consent shows Zoho's answer", async () => {
    const res = await get(`${stack.webhookUrl}?error=access_denied&state=${await genuineState()}&location=us`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('access_denied')
  })

  it('the logged link redirects to the consent page with everything Zoho needs', async () => {
    await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
    const res = await get(loggedLink())
    expect(res.status).toBe(302)
    const consent = new URL(res.headers.get('location')!)
    expect(`${consent.origin}${consent.pathname}`).toBe(`${stack.zoho.url}/oauth/v2/org/auth`)
    const q = consent.searchParams
    expect(q.get('client_id')).toBe(stack.zoho.credentials.clientId)
    expect(q.get('response_type')).toBe('code')
    expect(q.get('access_type')).toBe('offline')
    expect(q.get('redirect_uri')).toBe(stack.webhookUrl)
    expect(q.get('state')).toBeTruthy()
    const scopes = q.get('scope')!.split(',')
    expect(scopes).toEqual(expect.arrayContaining(['SalesIQ.apps.READ', 'SalesIQ.departments.READ']))
    expect(scopes.some((s) => /^SalesIQ\.webhooks\./.test(s))).toBe(true)
    expect(scopes.some((s) => /^SalesIQ\.conversations\./.test(s))).toBe(true)
  })

  it('refuses a redirect whose state is not ours, without sending anything to Zoho', async () => {
    const before = await tokenRequests()
    const res = await get(`${stack.webhookUrl}?code=1005.abc&state=forged.${'A'.repeat(43)}&location=us`)
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/not started by this integration/)
    expect(await tokenRequests()).toBe(before)
    expect(integrationState('oauth')).toBeUndefined()
  })

  it('a genuine state is accepted back once: its replay sends nothing to Zoho', async () => {
    const state = await genuineState()
    const q = new URLSearchParams({ code: '1005.abc', state, location: 'us', 'accounts-server': stack.zoho.url })
    expect((await get(`${stack.webhookUrl}?${q}`)).status).toBe(502) // the code is bad, but the state was good
    const before = await tokenRequests()
    const replay = await get(`${stack.webhookUrl}?${q}`)
    expect(replay.status).toBe(400)
    expect(await replay.text()).toMatch(/used already/)
    expect(await tokenRequests()).toBe(before)
  })

  it('refuses a redirect naming a foreign accounts server: nothing is sent there (nor anywhere)', async () => {
    const hits: string[] = []
    const evil = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"x","refresh_token":"y"}')
    })
    evil.listen(0, '127.0.0.1')
    await once(evil, 'listening')
    const evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}`
    try {
      const before = await tokenRequests()
      for (const server of [evilUrl, 'https://accounts.zoho.com.evil.example', 'https://user:pw@accounts.zoho.com']) {
        const q = new URLSearchParams({
          code: '1005.abc',
          state: await genuineState(),
          location: 'us',
          'accounts-server': server,
        })
        const res = await get(`${stack.webhookUrl}?${q}`)
        expect(res.status).toBe(400)
        expect(await res.text()).toMatch(/not one of Zoho/)
      }
      expect(hits).toEqual([])
      expect(await tokenRequests()).toBe(before)
      expect(integrationState('oauth')).toBeUndefined()
    } finally {
      evil.close()
    }
  })

  it('escapes whatever it echoes', async () => {
    const res = await get(`${stack.webhookUrl}?error=${encodeURIComponent('<script>alert(1)</script>')}`)
    const html = await res.text()
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;')
    const q = new URLSearchParams({
      code: '1005.abc',
      state: await genuineState(),
      'accounts-server': 'https://evil.example/"><img src=x onerror=alert(1)>',
    })
    const html2 = await (await get(`${stack.webhookUrl}?${q}`)).text()
    expect(html2).not.toMatch(/<img/i)
  })

  it('consent → redirect: stores a working refresh token and finishes the setup', async () => {
    await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
    const start = await get(loggedLink())
    const consent = await get(start.headers.get('location')!)
    expect(consent.status).toBe(302)
    const back = new URL(consent.headers.get('location')!)
    expect(`${back.origin}${back.pathname}`).toBe(stack.webhookUrl)
    expect(back.searchParams.get('accounts-server')).toBe(stack.zoho.url)

    const page = await get(back.toString())
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('Connected — you can close this tab')

    const oauth = integrationState('oauth')!
    expect(oauth.refreshToken).toMatch(/^1000\./)
    expect(oauth.region).toBe('us')
    const hooks = (await zoho.state()).webhooks
    expect(hooks).toHaveLength(1)
    expect(hooks[0].url).toBe(stack.webhookUrl)
    expect(integrationState('setup')!.publicKeys).toEqual([hooks[0].public_keys[0].key])

    // The token works for the real thing: an escalation opens a SalesIQ chat.
    const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name: 'Olive' })
    const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
      userId,
      messageHistory: [],
    })
    expect(conversationId).toBeTruthy()
    expect((await zoho.conversations()).length).toBeGreaterThan(0)

    // Saving the configuration again uses that token and keeps the one webhook.
    expect((await stack.pool.call('register', { webhookUrl: stack.webhookUrl })).status).toBe(200)
    expect((await zoho.state()).webhooks).toHaveLength(1)

    // A redirect is single use: replaying it fails cleanly and keeps the stored token.
    const replay = await get(back.toString())
    expect(replay.status).toBe(400)
    expect(integrationState('oauth')!.refreshToken).toBe(oauth.refreshToken)
  })

  it('never logs the secret, the code or any token', async () => {
    const out = stack.pool.output()
    const oauth = integrationState('oauth')!
    expect(out).not.toContain(stack.zoho.credentials.clientSecret)
    expect(out).not.toContain(oauth.refreshToken)
    const access = integrationState('accessToken')
    if (access) expect(out).not.toContain(access.token)
    const codes = (await zoho.requests({ path: '/oauth/v2/token' })).map((r) =>
      String((r.body as Record<string, string>)?.code ?? '')
    )
    for (const code of codes.filter(Boolean)) expect(out).not.toContain(code)
  })
})
