import { createHash, randomUUID } from 'node:crypto'
import { ZohoError } from './errors'
import { refreshAccessToken, type ClientCredentials, type TokenGrant } from './oauth'

/**
 * Access tokens (reference §2 limits: 10 token requests / 10 min / refresh token). Cached in memory and shared with
 * every instance through the store (Botpress integration state); one refresh in flight per instance, and a short
 * lease in the store keeps it to one across instances; refreshed ahead of expiry; a throttle answer blocks refreshes
 * for a growing while (5 s, 10 s, 20 s, then 30 s) and fails fast meanwhile — never a sleep, never a loop.
 */
export type StoredToken = { token: string; expiresAt: number; refreshAt?: number; credential: string }
/**
 * "Don't ask Zoho again before blockedUntil": after a throttle answer, or after Zoho rejected these credentials
 * (`rejected` holds that error's message; retried after REJECTED_PAUSE_MS in case the fix was made at Zoho's side).
 */
export type Throttle = { blockedUntil: number; strikes: number; credential?: string; rejected?: string }

export interface TokenStore {
  readToken(): Promise<StoredToken | undefined>
  writeToken(token: StoredToken): Promise<void>
  /** Atomic: true when this holder got (or already held) the lease. */
  acquireLease(holder: string, ttlMs: number): Promise<boolean>
  releaseLease(holder: string): Promise<void>
  readThrottle(): Promise<Throttle | undefined>
  writeThrottle(throttle: Throttle | undefined): Promise<void>
}

export type TokenSource = ClientCredentials & { refreshToken: string; cacheKey: string }

const instanceId = randomUUID()
const memory = new Map<string, StoredToken>()
const inFlight = new Map<string, Promise<StoredToken>>()

export const LEASE_TTL_MS = 10_000
const LEASE_WAIT_MS = 3_000
const LEASE_POLL_MS = 150

export const REJECTED_PAUSE_MS = 60_000

export const throttleDelayMs = (strikes: number) => Math.min(30_000, 5_000 * 2 ** Math.max(0, strikes - 1))

/** Ties a cached token to the credentials that produced it: a changed client secret is checked again, not masked. */
export const credentialFingerprint = (clientId: string, clientSecret: string, refreshToken: string) =>
  createHash('sha256').update(`${clientId}\n${clientSecret}\n${refreshToken}`).digest('hex').slice(0, 16)

/**
 * Tokens Zoho refused, wherever they came from (this instance's memory or another instance's copy in the store):
 * never used again. Hashed, and bounded (oldest forgotten first); a refused token is dead for good at Zoho anyway.
 */
const REFUSED_MAX = 256
const refused = new Set<string>()
const digest = (token: string) => createHash('sha256').update(token).digest('base64url')
function markRefused(token: string) {
  refused.add(digest(token))
  if (refused.size > REFUSED_MAX) refused.delete(refused.values().next().value!)
}
const isRefused = (token: string) => refused.size > 0 && refused.has(digest(token))

/** Tokens this instance obtained from Zoho itself, and when (kept a minute): see refreshedSince. */
const FRESH_MS = 60_000
const refreshedHere = new Map<string, number>()

const usable = (t: StoredToken | undefined, credential: string, reject?: string, now = Date.now()): t is StoredToken =>
  !!t && t.credential === credential && t.token !== reject && now < (t.refreshAt ?? t.expiresAt) && !isRefused(t.token)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class TokenManager {
  private readonly credential: string
  private readonly key: string
  constructor(
    private readonly source: TokenSource,
    private readonly store: TokenStore,
    private readonly refresh: (
      creds: ClientCredentials,
      refreshToken: string
    ) => Promise<TokenGrant> = refreshAccessToken
  ) {
    this.credential = credentialFingerprint(source.clientId, source.clientSecret, source.refreshToken)
    this.key = `${source.cacheKey}:${this.credential}`
  }

  /** A valid access token; `reject` names one Zoho just refused, which is then never returned again. */
  async getAccessToken(reject?: string): Promise<string> {
    if (reject) markRefused(reject)
    const cached = memory.get(this.key)
    if (usable(cached, this.credential, reject)) return cached.token
    if (reject && (cached as StoredToken | undefined)?.token === reject) memory.delete(this.key)
    let pending = inFlight.get(this.key)
    if (!pending) {
      pending = this.obtain(reject).finally(() => inFlight.delete(this.key))
      inFlight.set(this.key, pending)
    }
    const token = await pending
    // A refresh (or a read of the store) that began before the rejection.
    if (token.token === reject || isRefused(token.token)) return this.getAccessToken()
    return token.token
  }

  private async obtain(reject?: string): Promise<StoredToken> {
    const shared = await this.store.readToken()
    if (usable(shared, this.credential, reject)) return this.remember(shared)

    const throttle = await this.store.readThrottle()
    const now = Date.now()
    if (throttle && throttle.blockedUntil > now && (!throttle.credential || throttle.credential === this.credential)) {
      if (throttle.rejected)
        throw new ZohoError('auth', throttle.rejected, {
          operation: 'access token refresh',
          retryAfterMs: throttle.blockedUntil - now,
        })
      throw this.throttledError(throttle.blockedUntil - now)
    }

    if (!(await this.store.acquireLease(instanceId, LEASE_TTL_MS))) {
      // Another instance is refreshing: wait briefly for its token rather than spend one of the 10 requests.
      for (let waited = 0; waited < LEASE_WAIT_MS; waited += LEASE_POLL_MS) {
        await sleep(LEASE_POLL_MS)
        const fresh = await this.store.readToken()
        if (usable(fresh, this.credential, reject)) return this.remember(fresh)
      }
    }
    try {
      return await this.refreshNow(throttle)
    } finally {
      await this.store.releaseLease(instanceId).catch(() => undefined)
    }
  }

  private async refreshNow(throttle: Throttle | undefined): Promise<StoredToken> {
    let grant: TokenGrant
    try {
      grant = await this.refresh(this.source, this.source.refreshToken)
    } catch (err) {
      if (err instanceof ZohoError && err.kind === 'throttled') {
        const strikes = (throttle?.strikes ?? 0) + 1
        const delay = throttleDelayMs(strikes)
        await this.store.writeThrottle({ blockedUntil: Date.now() + delay, strikes })
        throw this.throttledError(delay)
      }
      // Rejected credentials stay rejected: each retry would spend one of the 10 token requests per 10 minutes.
      if (err instanceof ZohoError && err.kind === 'auth')
        await this.store.writeThrottle({
          blockedUntil: Date.now() + REJECTED_PAUSE_MS,
          strikes: 0,
          credential: this.credential,
          rejected: err.message,
        })
      throw err
    }
    const now = Date.now()
    const margin = Math.min(5 * 60_000, grant.expiresInMs / 10)
    const token: StoredToken = {
      token: grant.accessToken,
      expiresAt: now + grant.expiresInMs,
      refreshAt: now + grant.expiresInMs - margin,
      credential: this.credential,
    }
    refreshedHere.set(digest(token.token), now)
    for (const [key, at] of refreshedHere) if (now - at > FRESH_MS) refreshedHere.delete(key)
    await this.store.writeToken(token)
    if (throttle) await this.store.writeThrottle(undefined)
    return this.remember(token)
  }

  /** True when this instance itself got `token` from Zoho at or after `since`: Zoho refusing it is not a stale copy. */
  refreshedSince(token: string, since: number): boolean {
    const at = refreshedHere.get(digest(token))
    return at !== undefined && at >= since
  }

  private remember(token: StoredToken): StoredToken {
    memory.set(this.key, token)
    return token
  }

  private throttledError(retryAfterMs: number): ZohoError {
    const seconds = Math.ceil(retryAfterMs / 1000)
    return new ZohoError(
      'throttled',
      `Zoho Accounts is throttling token requests (at most 10 per 10 minutes); the integration retries in ${seconds} s. Nothing to change unless this persists.`,
      { operation: 'access token refresh', retryAfterMs }
    )
  }
}

/** Drops this instance's cached tokens (tests; and a changed refresh token makes a new cache key anyway). */
export const clearTokenMemory = () => memory.clear()
