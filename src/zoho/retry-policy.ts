/**
 * When a failed call may be sent again without risking a duplicate (design: "Retries only where a duplicate is
 * impossible"), and how long to wait. Pure functions so they are tested on their own.
 */
export const MAX_RETRIES = 2

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH'])

export type Outcome =
  { type: 'status'; status: number; retryAfterMs?: number } | { type: 'network'; code?: string } | { type: 'timeout' }

export function shouldRetry(outcome: Outcome, attempt: number, idempotent: boolean): boolean {
  if (attempt >= MAX_RETRIES) return false
  if (outcome.type === 'status') return outcome.status === 429 || [502, 503, 504].includes(outcome.status)
  if (outcome.type === 'network') return idempotent || (outcome.code !== undefined && NOT_SENT_CODES.has(outcome.code))
  return idempotent // a timeout after sending may have been processed: only idempotent calls are repeated
}

/** Exponential back-off with full jitter, capped; a server's Retry-After wins (capped too: never sleep for long). */
export function backoffMs(attempt: number, retryAfterMs?: number, random = Math.random): number {
  const cap = 5_000
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, cap)
  const base = Math.min(cap, 250 * 2 ** attempt)
  return Math.round(base / 2 + random() * (base / 2))
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
