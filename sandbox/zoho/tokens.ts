import type { EmulatorContext } from './context'
import { zohoToken } from './ids'
import type { AccessToken, RefreshToken } from './model'

export type TokenAnswer = { status: number; body: Record<string, unknown> }

const ok = (body: Record<string, unknown>): TokenAnswer => ({ status: 200, body })
// Zoho Accounts answers its errors with HTTP 200 and an `error` string.
const fail = (error: string, description?: string): TokenAnswer =>
  ok(description ? { error, error_description: description } : { error })

export const THROTTLED_BODY = {
  error: 'Access Denied',
  error_description: 'You have made too many requests continuously. Please try again after some time.',
}

const API_DOMAIN: Record<string, string> = {
  us: 'https://www.zohoapis.com',
  eu: 'https://www.zohoapis.eu',
  in: 'https://www.zohoapis.in',
  au: 'https://www.zohoapis.com.au',
  cn: 'https://www.zohoapis.com.cn',
  jp: 'https://www.zohoapis.jp',
  ca: 'https://www.zohoapis.ca',
  sa: 'https://www.zohoapis.sa',
}

/** Zoho keeps at most 20 refresh tokens per user and client: the 21st deletes the oldest. */
const MAX_REFRESH_TOKENS_PER_CLIENT = 20

export function createRefreshToken(ctx: EmulatorContext, clientId: string, scopes: string[]): RefreshToken {
  const rt: RefreshToken = {
    value: zohoToken(),
    clientId,
    scopes: scopes.map((s) => s.toLowerCase()),
    createdAt: Date.now(),
    revoked: false,
  }
  ctx.store.refreshTokens.set(rt.value, rt)
  const mine = [...ctx.store.refreshTokens.values()].filter((t) => t.clientId === clientId && !t.revoked)
  if (mine.length > MAX_REFRESH_TOKENS_PER_CLIENT) revoke(ctx, mine[0].value)
  return rt
}

function issueAccessToken(ctx: EmulatorContext, rt: RefreshToken): AccessToken {
  const now = Date.now()
  const at: AccessToken = {
    value: zohoToken(),
    refreshToken: rt.value,
    clientId: rt.clientId,
    scopes: rt.scopes,
    issuedAt: now,
    expiresAt: now + ctx.settings.tokenLifetimeSec * 1000,
    invalidated: false,
  }
  ctx.store.accessTokens.set(at.value, at)
  const active = ctx.store.accessTokensOf(rt.value).filter((t) => !t.invalidated && t.expiresAt > now)
  // Past the cap Zoho invalidates the oldest token; using it then gives INVALID_OAUTHTOKEN.
  for (const old of active.slice(0, Math.max(0, active.length - ctx.settings.maxActiveTokensPerRefreshToken)))
    old.invalidated = true
  return at
}

function tokenBody(ctx: EmulatorContext, at: AccessToken, refreshToken?: string): Record<string, unknown> {
  const apiDomain = API_DOMAIN[ctx.settings.location]
  const sec = ctx.settings.tokenLifetimeSec
  if (ctx.settings.tokenResponseShape === 'legacy') {
    // Real CA traffic (2026): expires_in is in milliseconds, expires_in_sec carries the seconds.
    return {
      access_token: at.value,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      expires_in_sec: sec,
      api_domain: apiDomain,
      token_type: 'Bearer',
      expires_in: sec * 1000,
    }
  }
  return {
    access_token: at.value,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    api_domain: apiDomain,
    token_type: 'Bearer',
    expires_in: sec,
  }
}

function checkClient(ctx: EmulatorContext, clientId: unknown, secret: unknown): boolean {
  const c = ctx.store.clients.get(String(clientId ?? ''))
  return !!c && c.clientSecret === secret
}

export function exchangeCode(ctx: EmulatorContext, p: Record<string, unknown>): TokenAnswer {
  if (!checkClient(ctx, p.client_id, p.client_secret)) return fail('invalid_client')
  const code = ctx.store.codes.get(String(p.code ?? ''))
  if (!code || code.used || code.expiresAt < Date.now() || code.clientId !== p.client_id) return fail('invalid_code')
  code.used = true // single use, even when the redirect_uri below is wrong
  if (code.redirectUri !== p.redirect_uri)
    return fail('invalid_code', 'redirect_uri does not match the one of the authorization request')
  const rt = code.offline ? createRefreshToken(ctx, code.clientId, code.scopes) : undefined
  // Only access_type=offline yields a refresh token; online codes still get an access token, tied to a hidden grant.
  const grant = rt ?? {
    value: `online:${code.code}`,
    clientId: code.clientId,
    scopes: code.scopes,
    createdAt: Date.now(),
    revoked: false,
  }
  if (!rt) ctx.store.refreshTokens.set(grant.value, grant)
  return ok(tokenBody(ctx, issueAccessToken(ctx, grant), rt?.value))
}

export function refreshAccessToken(ctx: EmulatorContext, p: Record<string, unknown>): TokenAnswer {
  if (!checkClient(ctx, p.client_id, p.client_secret)) return fail('invalid_client')
  const rt = ctx.store.refreshTokens.get(String(p.refresh_token ?? ''))
  if (!rt || rt.revoked || rt.clientId !== p.client_id) return fail('invalid_code')
  ctx.store.tokenRequests.set(rt.value, (ctx.store.tokenRequests.get(rt.value) ?? 0) + 1)
  // Fixed window starting at the first request: the (limit+1)th request inside it is refused, and so is
  // every later one until the window has run out (Zoho: "blocked for the rest of the window").
  const now = Date.now()
  let w = ctx.store.throttle.get(rt.value)
  if (!w || now - w.windowStart >= ctx.settings.throttleWindowMs) {
    w = { windowStart: now, count: 0 }
    ctx.store.throttle.set(rt.value, w)
  }
  w.count++
  if (w.count > ctx.settings.throttleLimit) return { status: ctx.settings.throttleStatus, body: THROTTLED_BODY }
  return ok(tokenBody(ctx, issueAccessToken(ctx, rt)))
}

export function revoke(ctx: EmulatorContext, token: string): boolean {
  const rt = ctx.store.refreshTokens.get(token)
  if (rt) {
    rt.revoked = true
    for (const at of ctx.store.accessTokensOf(token)) at.invalidated = true
    return true
  }
  const at = ctx.store.accessTokens.get(token)
  if (at) at.invalidated = true
  return !!at
}

export function validAccessToken(ctx: EmulatorContext, value: string): AccessToken | undefined {
  const at = ctx.store.accessTokens.get(value)
  if (!at || at.invalidated || at.expiresAt <= Date.now()) return undefined
  return ctx.store.refreshTokens.get(at.refreshToken)?.revoked ? undefined : at
}

/** ((emulator-only)) make access tokens unusable, as if they had expired. */
export function invalidateAccessTokens(ctx: EmulatorContext, refreshToken?: string): number {
  let n = 0
  for (const at of ctx.store.accessTokens.values()) {
    if ((refreshToken === undefined || at.refreshToken === refreshToken) && !at.invalidated) {
      at.invalidated = true
      n++
    }
  }
  return n
}

export function tokenStats(ctx: EmulatorContext) {
  const now = Date.now()
  return [...ctx.store.refreshTokens.values()].map((rt) => {
    const w = ctx.store.throttle.get(rt.value)
    const inWindow = w && now - w.windowStart < ctx.settings.throttleWindowMs ? w : undefined
    return {
      refreshToken: rt.value,
      clientId: rt.clientId,
      scopes: rt.scopes,
      revoked: rt.revoked,
      tokenRequests: ctx.store.tokenRequests.get(rt.value) ?? 0,
      requestsInWindow: inWindow?.count ?? 0,
      throttledUntil:
        inWindow && inWindow.count > ctx.settings.throttleLimit
          ? inWindow.windowStart + ctx.settings.throttleWindowMs
          : null,
      activeAccessTokens: ctx.store.accessTokensOf(rt.value).filter((t) => !t.invalidated && t.expiresAt > now).length,
      issuedAccessTokens: ctx.store.accessTokensOf(rt.value).length,
    }
  })
}
