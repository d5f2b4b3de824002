import { ZohoError } from './errors'
import { readJson, sendWithRetries } from './http'

/**
 * Zoho Accounts token endpoint (reference §2). Errors come back with HTTP 200 and an `error` field; the expiry comes
 * in two shapes (documented `expires_in` seconds, legacy `expires_in_sec` + `expires_in` in ms).
 */
export type TokenGrant = {
  accessToken: string
  expiresInMs: number
  refreshToken?: string
  apiDomain?: string
  /** Granted scopes, when Zoho says (undocumented for the token endpoint; some answers carry it). */
  scope?: string
}

export const SALESIQ_SCOPES = [
  'SalesIQ.conversations.ALL',
  'SalesIQ.apps.READ',
  'SalesIQ.departments.READ',
  'SalesIQ.operators.READ',
  'SalesIQ.webhooks.ALL',
  'SalesIQ.portals.READ',
] as const

type TokenBody = Record<string, unknown>

export function expiresInMs(body: TokenBody): number {
  const sec = Number(body.expires_in_sec)
  if (Number.isFinite(sec) && sec > 0) return sec * 1000
  const raw = Number(body.expires_in)
  if (!Number.isFinite(raw) || raw <= 0) return 3_600_000
  return raw > 86_400 ? raw : raw * 1000 // over a day in "seconds" can only be milliseconds
}

function tokenError(body: TokenBody, operation: string, status: number): ZohoError {
  const error = String(body.error)
  const details = { operation, status, code: error }
  if (error === 'Access Denied' || /too many requests/i.test(String(body.error_description ?? '')))
    return new ZohoError(
      'throttled',
      'Zoho Accounts is throttling token requests (at most 10 per 10 minutes per refresh token); retrying automatically shortly.',
      details
    )
  if (error === 'invalid_client')
    return new ZohoError(
      'auth',
      'Zoho rejected the client ID or secret: check "clientId", "clientSecret" and that "region" is the data center where the client was created.',
      details
    )
  if (error === 'invalid_code')
    return new ZohoError(
      'auth',
      operation === 'authorization code exchange'
        ? 'Zoho rejected the authorization code (used already, or older than 2 minutes): open the authorization link again.'
        : 'Zoho rejected the refresh token (revoked, expired or from another data center): reconnect through the authorization link or paste a new "refreshToken".',
      details
    )
  if (error === 'invalid_redirect_uri')
    return new ZohoError(
      'auth',
      'Zoho rejected the redirect URI: add the webhook URL as an authorized redirect URI of the Zoho client.',
      details
    )
  return new ZohoError('auth', `Zoho Accounts refused ${operation} (${error}).`, details)
}

async function tokenRequest(accountsUrl: string, form: Record<string, string>, operation: string): Promise<TokenGrant> {
  const response = await sendWithRetries(
    `${accountsUrl}/oauth/v2/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    },
    { operation, idempotent: false }
  )
  const body = ((await readJson(response)) ?? {}) as TokenBody
  if (body.error) throw tokenError(body, operation, response.status)
  if (!response.ok || typeof body.access_token !== 'string')
    throw new ZohoError('server', `Zoho Accounts answered ${operation} with HTTP ${response.status}.`, {
      operation,
      status: response.status,
    })
  return {
    accessToken: body.access_token,
    expiresInMs: expiresInMs(body),
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    apiDomain: typeof body.api_domain === 'string' ? body.api_domain : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
  }
}

export type ClientCredentials = { clientId: string; clientSecret: string; accountsUrl: string }

export const refreshAccessToken = (creds: ClientCredentials, refreshToken: string) =>
  tokenRequest(
    creds.accountsUrl,
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    },
    'access token refresh'
  )

export const exchangeAuthorizationCode = (creds: ClientCredentials, code: string, redirectUri: string) =>
  tokenRequest(
    creds.accountsUrl,
    {
      grant_type: 'authorization_code',
      code,
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      redirect_uri: redirectUri,
    },
    'authorization code exchange'
  )

/** Gives a refresh token back (a grant we refused to use). Best effort: the answer changes nothing for us. */
export async function revokeRefreshToken(accountsUrl: string, refreshToken: string): Promise<void> {
  const response = await sendWithRetries(
    `${accountsUrl}/oauth/v2/token/revoke`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken }),
    },
    { operation: 'revoking a refresh token', idempotent: true }
  )
  await response.body?.cancel().catch(() => undefined)
}

/** Scopes a `scope` answer lacks (a module's `.ALL` covers its operations; case varies across Zoho's pages). */
export function missingScopes(granted: string): string[] {
  const have = new Set(granted.split(/[,\s]+/).map((s) => s.trim().toLowerCase()))
  return SALESIQ_SCOPES.filter((need) => {
    const n = need.toLowerCase()
    return !have.has(n) && !have.has(n.replace(/\.[a-z]+$/, '.all'))
  })
}
