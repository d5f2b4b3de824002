import type { Json } from '../client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { siq, startFast } from './helpers'

let em: ZohoEmulator
let client: ZohoEmulatorClient

beforeAll(async () => ({ em, client } = await startFast()))
afterAll(() => em.close())
beforeEach(() => client.reset())

async function token(params: Record<string, string>, via: 'body' | 'query' = 'body') {
  const p = new URLSearchParams(params)
  const res = await fetch(`${em.url}/oauth/v2/token${via === 'query' ? `?${p}` : ''}`, {
    method: 'POST',
    body: via === 'body' ? p : undefined,
  })
  return { status: res.status, json: (await res.json()) as Record<string, Json> }
}

const refresh = () => {
  const c = em.credentials
  return token({
    grant_type: 'refresh_token',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    refresh_token: c.refreshToken,
  })
}

describe('token endpoint', () => {
  it('answers the documented shape (expires_in in seconds) by default', async () => {
    const r = await refresh()
    expect(r.status).toBe(200)
    expect(r.json).toEqual({
      access_token: expect.stringMatching(/^1000\./),
      api_domain: 'https://www.zohoapis.com',
      token_type: 'Bearer',
      expires_in: 3600,
    })
  })

  it('answers the legacy shape (expires_in_sec, expires_in in ms) when switched', async () => {
    await client.setSettings({ tokenResponseShape: 'legacy', tokenLifetimeSec: 120 })
    const r = await refresh()
    expect(r.json).toMatchObject({ expires_in_sec: 120, expires_in: 120_000, token_type: 'Bearer' })
  })

  it('accepts the parameters in the query string', async () => {
    const c = em.credentials
    const r = await token(
      {
        grant_type: 'refresh_token',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        refresh_token: c.refreshToken,
      },
      'query'
    )
    expect(r.json.access_token).toBeDefined()
  })

  it('answers errors with HTTP 200 and an error field', async () => {
    const c = em.credentials
    expect(
      await token({
        grant_type: 'refresh_token',
        client_id: c.clientId,
        client_secret: 'wrong',
        refresh_token: c.refreshToken,
      })
    ).toEqual({ status: 200, json: { error: 'invalid_client' } })
    expect(
      await token({
        grant_type: 'refresh_token',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        refresh_token: '1000.nope',
      })
    ).toEqual({ status: 200, json: { error: 'invalid_code' } })
    // Refused requests count as token-endpoint calls too (what "no storm" tests measure).
    expect(await client.tokenStats()).toMatchObject({ tokenEndpointCalls: 2, refreshRequests: 0 })
  })

  it('throttles the 11th token request within 10 minutes with Access Denied', async () => {
    for (let i = 0; i < 10; i++) expect((await refresh()).json.access_token).toBeDefined()
    const r = await refresh()
    expect(r.status).toBe(200)
    expect(r.json).toEqual({
      error: 'Access Denied',
      error_description: 'You have made too many requests continuously. Please try again after some time.',
    })
    expect((await client.tokenStats()).refreshRequests).toBe(11)
    expect((await client.tokenStats()).tokenEndpointCalls).toBe(11)
  })

  it('invalidates the oldest access token past the cap of active tokens', async () => {
    await client.setSettings({ maxActiveTokensPerRefreshToken: 2 })
    const first = (await refresh()).json.access_token
    await refresh()
    const path = `/api/v2/${em.credentials.screenName}/apps`
    expect((await siq(em, first, 'GET', path)).json.data).toBeDefined()
    await refresh()
    expect((await siq(em, first, 'GET', path)).json).toEqual({ error: { code: 1008, message: 'Invalid OAuthToken' } })
  })

  it('revokes a refresh token', async () => {
    const res = await fetch(`${em.url}/oauth/v2/token/revoke?token=${em.credentials.refreshToken}`, { method: 'POST' })
    expect(await res.json()).toEqual({ status: 'success' })
    expect((await refresh()).json).toEqual({ error: 'invalid_code' })
  })
})

describe('authorization code flow', () => {
  const redirectUri = 'http://127.0.0.1:9/callback'
  const authUrl = () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: em.credentials.clientId,
      scope: 'SalesIQ.apps.READ,SalesIQ.conversations.ALL',
      redirect_uri: redirectUri,
      access_type: 'offline',
      state: 'st<1>',
    })
    return `${em.url}/oauth/v2/org/auth?${q}`
  }

  it('shows a consent page whose Accept redirects back with code, state, location and accounts-server', async () => {
    const page = await (await fetch(authUrl())).text()
    expect(page).toContain('Accept')
    expect(page).not.toContain('st<1>') // echoed values are escaped
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: em.credentials.clientId,
      scope: 'SalesIQ.apps.READ',
      redirect_uri: redirectUri,
      access_type: 'offline',
      state: 'xyz',
      decision: 'accept',
    })
    const res = await fetch(`${em.url}/oauth/v2/consent`, { method: 'POST', body: form, redirect: 'manual' })
    expect(res.status).toBe(302)
    const loc = new URL(res.headers.get('location')!)
    expect(loc.origin + loc.pathname).toBe(redirectUri)
    expect(loc.searchParams.get('state')).toBe('xyz')
    expect(loc.searchParams.get('location')).toBe('us')
    expect(loc.searchParams.get('accounts-server')).toBe(em.url)
    expect(loc.searchParams.get('code')).toMatch(/^1005\./)
  })

  it('auto-consents, exchanges the code once for a refresh token whose scopes are enforced', async () => {
    await client.setSettings({ autoConsent: true })
    const res = await fetch(authUrl(), { redirect: 'manual' })
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    const c = em.credentials
    const params = {
      grant_type: 'authorization_code',
      code,
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uri: redirectUri,
    }
    const r = await token(params)
    expect(r.json).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
    })
    expect((await token(params)).json).toEqual({ error: 'invalid_code' })
    const at = r.json.access_token as string
    expect((await siq(em, at, 'GET', `/api/v2/${c.screenName}/apps`, undefined, 'Bearer')).json.data).toHaveLength(1)
    expect((await siq(em, at, 'GET', `/api/v2/${c.screenName}/operators`)).json.error.code).toBe(1009)
  })
})

describe('SalesIQ authentication', () => {
  it('answers an expired token with 1008 (HTTP 400 by default, 200 when switched)', async () => {
    await client.setSettings({ tokenLifetimeSec: 1 })
    const at = await client.accessToken()
    await new Promise((r) => setTimeout(r, 1100))
    const path = `/api/v2/${em.credentials.screenName}/apps`
    expect(await siq(em, at, 'GET', path)).toMatchObject({
      status: 400,
      json: { error: { code: 1008, message: 'Invalid OAuthToken' } },
    })
    await client.setSettings({ invalidTokenStatus: 200 })
    expect(await siq(em, at, 'GET', path)).toMatchObject({ status: 200, json: { error: { code: 1008 } } })
  })

  it('answers invalidated tokens with 1008, a bad header with 1002 and a wrong screen name with 1005', async () => {
    const at = await client.accessToken()
    expect((await siq(em, at, 'GET', '/api/v2/wrong/apps')).json.error.code).toBe(1005)
    expect(
      (await siq(em, at, 'GET', `/api/v2/${em.credentials.screenName}/apps`, undefined, 'Basic')).json.error.code
    ).toBe(1002)
    await client.invalidateTokens()
    expect((await siq(em, at, 'GET', `/api/v2/${em.credentials.screenName}/apps`)).json.error.code).toBe(1008)
  })
})
