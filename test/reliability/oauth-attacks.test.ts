import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actionOk, zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Issue #14.1, performed: an outsider who knows only the webhook URL tries to put their own Zoho grant in place of
 * the owner's (as observed: a consent narrowed to `SalesIQ.portals.READ`, after which every escalation failed).
 * The owner connects through the link register logs; then each way in is tried. Zoho is the emulator, whose consent
 * page lets anyone consent to any scope for the client.
 */
let stack: Tracked
const get = (url: string) => fetch(url, { redirect: 'manual' })
const oauthState = () =>
  stack.botpress.dump().bots[stack.identity.botId]?.states.find((s) => s.type === 'integration' && s.name === 'oauth')
    ?.payload as { refreshToken?: string } | null | undefined
const tokenRequests = async () => (await zoho(stack, 'GET', '/tokens')).tokenEndpointCalls as number
const loggedLinks = () => stack.pool.output().match(/http:\/\/\S+\/oauth\/start\?link=[\w.-]+/g) ?? []
const register = () => stack.pool.call('register', { webhookUrl: stack.webhookUrl })

/** Consent at Zoho (the emulator) for `scope`, as anyone can, with whatever state: the redirect Zoho would send. */
async function consentAs(scope: string, state: string) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: stack.zoho.credentials.clientId,
    scope,
    redirect_uri: stack.webhookUrl,
    access_type: 'offline',
    state,
  })
  const res = await get(`${stack.zoho.url}/oauth/v2/org/auth?${q}`)
  return res.headers.get('location')!
}

/** The owner's way: save, open the logged link, consent (scope as the integration asks, unless narrowed). */
async function ownerConnects(narrowTo?: string, save = true) {
  if (save) await register()
  const start = await get(loggedLinks().at(-1)!)
  expect(start.status).toBe(302)
  const consent = new URL(start.headers.get('location')!)
  if (narrowTo) consent.searchParams.set('scope', narrowTo)
  const back = (await get(consent.toString())).headers.get('location')!
  const page = await get(back)
  return Object.assign(page, { state: consent.searchParams.get('state')! })
}

async function escalationWorks(name: string) {
  const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name })
  const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
    userId,
    messageHistory: [],
  })
  return !!conversationId
}

beforeAll(async () => {
  stack = await startTracked({
    bot: false,
    register: false,
    configuration: { refreshToken: undefined },
    zohoSettings: { autoConsent: true, autoAssignDelayMs: 60_000 },
  })
})
afterAll(() => closeAndScan(stack))

describe('#14.1 only the bot owner can connect or change the Zoho account', () => {
  it('knowing the webhook URL starts nothing: a bare /oauth/start hands out no state', async () => {
    expect((await register()).status).toBe(200)
    const res = await get(`${stack.webhookUrl}/oauth/start`)
    const forged = await get(`${stack.webhookUrl}/oauth/start?link=${'a'.repeat(12)}.${'B'.repeat(43)}`)
    record({
      fault: 'outsider opens <webhook>/oauth/start (bare, or with a made-up link)',
      where: 'OAuth start',
      sent: 2,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      outcome:
        res.headers.get('location') || forged.headers.get('location')
          ? 'FAIL: redirected to the consent page with a state'
          : `ok: ${res.status} page pointing at the logs, ${forged.status} for the made-up link; no state`,
    })
    expect(res.headers.get('location')).toBeNull()
    expect(forged.headers.get('location')).toBeNull()
    expect(await res.text()).toMatch(/logs/)
  })

  it("an outsider's grant with the owner's (used) state, or a made-up one, is refused before Zoho is asked", async () => {
    // The owner connects properly; the outsider saw the state go by (a shared screen, a log, a proxy).
    const owner = await ownerConnects()
    expect(owner.status).toBe(200)
    const owners = oauthState()!.refreshToken
    expect(await escalationWorks('Owner first')).toBe(true)
    const before = await tokenRequests()
    const attempts = []
    for (const state of [owner.state, `${'0'.repeat(12)}.${'A'.repeat(43)}`, 'anything'])
      attempts.push(await get(await consentAs('SalesIQ.portals.READ', state)))
    const asked = (await tokenRequests()) - before
    record({
      fault: 'outsider consents (scope SalesIQ.portals.READ) and replays a used or made-up state',
      where: 'OAuth redirect',
      sent: attempts.length,
      delivered: 0,
      duplicated: 0,
      lost: oauthState()?.refreshToken === owners ? 0 : 1,
      outcome:
        oauthState()?.refreshToken === owners && asked === 0
          ? `ok: all ${attempts.map((a) => a.status).join('/')}; no code exchanged; the owner's grant kept`
          : `FAIL: ${asked} token request(s); grant ${oauthState()?.refreshToken === owners ? 'kept' : 'replaced'}`,
    })
    for (const a of attempts) expect(a.status).toBe(400)
    expect(asked).toBe(0)
    expect(oauthState()!.refreshToken).toBe(owners)
    expect(await escalationWorks('Owner after the attack')).toBe(true)
  })

  it('a narrowed grant, even through a genuine link, is tried first: refused, revoked, nothing stored', async () => {
    const owners = oauthState()!.refreshToken
    const page = await ownerConnects('SalesIQ.portals.READ')
    const html = await page.text()
    const tokens = (await zoho(stack, 'GET', '/tokens')).refreshTokens as Array<{
      scopes: string[]
      revoked: boolean
    }>
    const narrowed = tokens.filter((t) => t.scopes.length === 1 && t.scopes[0] === 'salesiq.portals.read')
    record({
      fault: 'consent narrowed to SalesIQ.portals.READ through a genuine link',
      where: 'OAuth redirect (grant check)',
      sent: 1,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      told: page.status === 400 ? 1 : 0,
      outcome:
        oauthState()?.refreshToken === owners
          ? `ok: ${page.status} "${/permission (SalesIQ\.\w+\.\w+)/.exec(html)?.[1] ?? ''}" missing; grant kept; ${narrowed.filter((t) => t.revoked).length}/${narrowed.length} narrowed grants revoked`
          : 'FAIL: the narrowed grant replaced the working one',
    })
    expect(page.status).toBe(400)
    expect(html).toMatch(/without the permission SalesIQ\./)
    expect(oauthState()!.refreshToken).toBe(owners)
    expect(narrowed.length).toBeGreaterThan(0)
    expect(narrowed.every((t) => t.revoked)).toBe(true)
    expect(await escalationWorks('Owner after a narrowed consent')).toBe(true)
  })

  it('the configured refresh token wins over a stored grant; a broken grant is replaced by saving again', async () => {
    // A broken stored grant (revoked at Zoho): saving the configuration says so and logs a fresh link.
    await fetch(`${stack.zoho.url}/oauth/v2/token/revoke?token=${encodeURIComponent(oauthState()!.refreshToken!)}`, {
      method: 'POST',
    })
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    const links = loggedLinks().length
    const broken = await register()
    const newLink = loggedLinks().length > links
    const reconnected = newLink ? (await ownerConnects(undefined, false)).status : 0
    const replaced = await escalationWorks('After reconnecting')
    // The owner pastes a refresh token: it is used, and the stored grant no longer counts.
    stack.pool.configuration = { ...stack.pool.configuration, refreshToken: stack.zoho.credentials.refreshToken }
    const saved = await register()
    const configuredWins = oauthState() == null && (await escalationWorks('With the configured token'))
    record({
      fault: 'stored grant revoked at Zoho; then a refresh token pasted in the configuration',
      where: 'register (saving the configuration)',
      sent: 2,
      delivered: Number(replaced) + Number(configuredWins),
      duplicated: 0,
      lost: 2 - Number(replaced) - Number(configuredWins),
      outcome:
        newLink && replaced && configuredWins
          ? `ok: save → ${broken.status} + a new link → reconnected; the pasted token used, the stored grant dropped`
          : `FAIL: link ${newLink}, reconnected ${replaced}, configured token wins ${configuredWins}`,
    })
    expect(broken.status).toBe(400)
    expect(newLink).toBe(true)
    expect(reconnected).toBe(200)
    expect(replaced).toBe(true)
    expect(saved.status).toBe(200)
    expect(configuredWins).toBe(true)
  })
})
