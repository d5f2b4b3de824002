import type { StoredToken, Throttle, TokenStore } from '../src/zoho/token-manager'

/** The TokenManager's shared store for one doctor run: plain memory (the integration uses Botpress state). */
export class MemoryTokenStore implements TokenStore {
  private token?: StoredToken
  private throttle?: Throttle
  private lease?: { holder: string; until: number }

  async readToken() {
    return this.token
  }
  async writeToken(token: StoredToken) {
    this.token = token
  }
  async acquireLease(holder: string, ttlMs: number) {
    const now = Date.now()
    if (this.lease && this.lease.holder !== holder && this.lease.until > now) return false
    this.lease = { holder, until: now + ttlMs }
    return true
  }
  async releaseLease(holder: string) {
    if (this.lease?.holder === holder) this.lease = undefined
  }
  async readThrottle() {
    return this.throttle
  }
  async writeThrottle(throttle: Throttle | undefined) {
    this.throttle = throttle
  }
}
