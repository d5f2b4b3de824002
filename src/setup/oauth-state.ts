import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The OAuth `state`: stateless, so any instance can check it. An HMAC keyed with the client secret over the
 * integration id and the time the link was opened; accepted back for STATE_TTL_MS. It proves the redirect follows a
 * consent this integration started (a forged redirect cannot make us spend a code or touch the setup).
 */
export const STATE_TTL_MS = 10 * 60_000
const CLOCK_SKEW_MS = 60_000

const mac = (secret: string, integrationId: string, issuedAt: number) =>
  createHmac('sha256', secret).update(`zoho-salesiq-hitl/oauth\n${integrationId}\n${issuedAt}`).digest('base64url')

export function makeOAuthState(secret: string, integrationId: string, now = Date.now()): string {
  return `${now.toString(36)}.${mac(secret, integrationId, now)}`
}

export type StateCheck = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'forged' }

export function verifyOAuthState(
  state: string | undefined,
  secret: string,
  integrationId: string,
  now = Date.now()
): StateCheck {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(state ?? '')
  if (!match) return { ok: false, reason: 'malformed' }
  const issuedAt = parseInt(match[1]!, 36)
  const expected = Buffer.from(mac(secret, integrationId, issuedAt))
  const given = Buffer.from(match[2]!)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' }
  if (now - issuedAt > STATE_TTL_MS || issuedAt - now > CLOCK_SKEW_MS) return { ok: false, reason: 'expired' }
  return { ok: true }
}
