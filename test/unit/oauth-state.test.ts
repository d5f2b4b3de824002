import { describe, expect, it } from 'vitest'
import { makeOAuthState, STATE_TTL_MS, verifyOAuthState } from '../../src/setup/oauth-state'

describe('OAuth state (stateless HMAC)', () => {
  const now = 1_760_000_000_000
  it('round-trips within its lifetime', () => {
    const state = makeOAuthState('secret', 'int-1', now)
    expect(verifyOAuthState(state, 'secret', 'int-1', now + STATE_TTL_MS - 1)).toEqual({ ok: true })
  })
  it('expires', () => {
    const state = makeOAuthState('secret', 'int-1', now)
    expect(verifyOAuthState(state, 'secret', 'int-1', now + STATE_TTL_MS + 1)).toEqual({ ok: false, reason: 'expired' })
  })
  it('is bound to the client secret and the integration', () => {
    const state = makeOAuthState('secret', 'int-1', now)
    expect(verifyOAuthState(state, 'other', 'int-1', now)).toMatchObject({ ok: false, reason: 'forged' })
    expect(verifyOAuthState(state, 'secret', 'int-2', now)).toMatchObject({ ok: false, reason: 'forged' })
    const [time, mac] = state.split('.')
    const later = `${(parseInt(time!, 36) + 1000).toString(36)}.${mac}`
    expect(verifyOAuthState(later, 'secret', 'int-1', now)).toMatchObject({ ok: false, reason: 'forged' })
  })
  it('refuses junk', () => {
    for (const junk of [undefined, '', 'x', '1.2', 'a.b.c', '<script>'])
      expect(verifyOAuthState(junk, 'secret', 'int-1', now)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})
