import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { Ledger } from './support/ledger'
import { outcome, record } from './support/matrix'
import { scale } from './support/profile'
import { agentSession, escalationFailure, failureNotices, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Access tokens failing under traffic, seen from the visitor's page: invalidated mid-traffic (refreshed once,
 * nothing lost), token endpoint throttled (every message reported, no storm, works again after), refresh token
 * revoked (a clear error and notice, at most one token request per attempt — no loop). The revocation runs last:
 * it ends this stack's connection to Zoho.
 */
let stack: Tracked
const N = scale(6, 40)
// Every call to the token endpoint, granted or refused (refreshRequests counts only refreshes of known tokens).
const tokenRequests = async () =>
  (await zoho<{ tokenEndpointCalls: number }>(stack, 'GET', '/tokens')).tokenEndpointCalls

beforeAll(async () => {
  stack = await startTracked({ instances: 1 })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

describe('access token failures under traffic', () => {
  it('invalidated mid-traffic: every message reaches the operator once, one refresh', async () => {
    const s = await agentSession(stack)
    const ledger = new Ledger(stack, s.visitor, s.chatId)
    const before = await tokenRequests()
    for (let i = 0; i < N / 2; i++) await ledger.visitorSays()
    await ledger.settle()
    // The second half all at once, with the invalidation among them.
    await Promise.all([
      zoho(stack, 'POST', '/tokens/invalidate', {}),
      ...Array.from({ length: N / 2 }, () => ledger.visitorSays()),
    ])
    await ledger.visitorSays() // certainly after the invalidation
    const { toOperator: t } = await ledger.settle()
    const refreshes = (await tokenRequests()) - before
    record({
      fault: 'access token invalidated mid-traffic',
      where: 'send message',
      ...t,
      retries: refreshes,
      outcome: outcome(t),
    })
    expect(t).toMatchObject({ delivered: N + 1, lost: 0, duplicated: 0 })
    expect(refreshes).toBe(1)
  })

  it('token endpoint throttled: every message is reported to the visitor, no storm, works again after', async () => {
    const s = await agentSession(stack)
    const ledger = new Ledger(stack, s.visitor, s.chatId)
    await zoho(stack, 'POST', '/tokens/throttle', { durationMs: 600_000 })
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    const before = await tokenRequests()
    for (let i = 0; i < N; i++) await ledger.visitorSays()
    const { toOperator: t } = await ledger.settle()
    const during = (await tokenRequests()) - before
    const notices = await failureNotices(stack, s.visitor)
    await zoho(stack, 'DELETE', '/tokens/throttle')
    const recovered = await ledger.visitorSays('after the throttle')
    await waitFor(
      'the next message goes through',
      async () => {
        const tally = await ledger.tally()
        return tally.toOperator.delivered === 1 ||
          (await failureNotices(stack, s.visitor)).some((n) => n.failedText === recovered)
          ? tally
          : undefined
      },
      60_000
    )
    // Still blocked (short, growing) right after the throttle ends: the visitor is told, then the next one passes.
    let last = (await ledger.tally()).toOperator
    for (let i = 0; last.delivered === 0 && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000))
      await ledger.visitorSays()
      last = (await ledger.settle(10_000)).toOperator
    }
    record({
      fault: 'token endpoint throttled (Access Denied)',
      where: 'send message',
      ...t,
      retries: during,
      outcome: `${outcome(t)}; recovers after`,
    })
    expect(t).toMatchObject({ told: N, lost: 0, duplicated: 0 })
    expect(notices.every((n) => /throttling token requests/.test(n.text))).toBe(true)
    expect(during).toBeLessThanOrEqual(1)
    expect(last.delivered).toBeGreaterThanOrEqual(1)
    expect(last.lost + last.duplicated).toBe(0)
  }, 90_000)

  it('refresh token revoked: a clear error to the bot builder, a notice to the visitor, no loop', async () => {
    const s = await agentSession(stack)
    const ledger = new Ledger(stack, s.visitor, s.chatId)
    const res = await fetch(
      `${stack.zoho.url}/oauth/v2/token/revoke?token=${encodeURIComponent(String(stack.configuration.refreshToken))}`,
      {
        method: 'POST',
      }
    )
    expect(await res.json()).toEqual({ status: 'success' })
    const before = await tokenRequests()
    for (let i = 0; i < N; i++) await ledger.visitorSays()
    const { toOperator: t } = await ledger.settle()
    const newcomer = await new Visitor(stack, 'After revocation').start()
    await newcomer.say('talk to a human')
    const failed = await escalationFailure(stack, newcomer)
    const notices = await failureNotices(stack, s.visitor)
    const requests = (await tokenRequests()) - before
    record({
      fault: 'refresh token revoked',
      where: 'send message + open',
      ...t,
      retries: requests,
      outcome: `${outcome(t)}; ${requests} token requests for ${N + 1} attempts`,
    })
    expect(t).toMatchObject({ told: N, lost: 0, duplicated: 0 })
    for (const n of [...notices.map((x) => x.text), failed])
      expect(n).toMatch(/refresh token.*(revoked|reconnect|authorization link)/i)
    // No loop and no budget burnt: the rejection is remembered, so Zoho is asked once, not once per attempt.
    expect(requests).toBe(1)
  }, 60_000)
})
