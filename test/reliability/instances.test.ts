import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zoho } from '../harness/helpers'
import { Ledger } from './support/ledger'
import { outcome, record } from './support/matrix'
import { scale } from './support/profile'
import { agentSession, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Several integration instances behind one Botpress, every call to the next instance (round-robin): a session is
 * opened on one and continued on the others; the access token expires while both send (short-lived tokens) and is
 * invalidated while both send — the refresh lease keeps token requests to about one per expiry, nothing is lost.
 */
let stack: Tracked
const N = scale(6, 40)
const tokenRequests = async () =>
  (await zoho<unknown[]>(stack, 'GET', '/requests?method=POST&path=/oauth/v2/token')).length

beforeAll(async () => {
  stack = await startTracked({ instances: 3, routing: 'round-robin' })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

describe('three instances, round-robin', () => {
  it('a session opened on one instance and continued on the others: everything once, both ways', async () => {
    const s = await agentSession(stack)
    const ledger = new Ledger(stack, s.visitor, s.chatId)
    for (let i = 0; i < N; i++) await Promise.all([ledger.visitorSays(), ledger.operatorSays()])
    const { total } = await ledger.settle()
    record({
      fault: 'none (3 instances, round-robin)',
      where: 'session across instances',
      ...total,
      outcome: outcome(total),
    })
    expect(total).toMatchObject({ delivered: 2 * N, lost: 0, duplicated: 0 })
  })

  it('the access token invalidated while two sessions send: all delivered, at most one refresh per instance', async () => {
    const [a, b] = await Promise.all([agentSession(stack), agentSession(stack)])
    const la = new Ledger(stack, a.visitor, a.chatId)
    const lb = new Ledger(stack, b.visitor, b.chatId)
    const before = await tokenRequests()
    await Promise.all([
      zoho(stack, 'POST', '/tokens/invalidate', {}),
      ...Array.from({ length: N }, (_, i) => (i % 2 ? la : lb).visitorSays()),
    ])
    await Promise.all([la.visitorSays(), lb.visitorSays()])
    const [ta, tb] = await Promise.all([la.settle(), lb.settle()])
    const t = sum(ta.toOperator, tb.toOperator)
    const refreshes = (await tokenRequests()) - before
    record({
      fault: 'access token invalidated, 2 sessions × 3 instances',
      where: 'send message',
      ...t,
      retries: refreshes,
      outcome: `${outcome(t)}; ${refreshes} refresh(es)`,
    })
    expect(t).toMatchObject({ delivered: N + 2, lost: 0, duplicated: 0 })
    expect(refreshes).toBeGreaterThanOrEqual(1)
    expect(refreshes).toBeLessThanOrEqual(3)
  })

  it('short-lived tokens expiring while both send: all delivered, refreshes bounded by the expiries', async () => {
    await zoho(stack, 'PUT', '/settings', { tokenLifetimeSec: 2 })
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    try {
      const [a, b] = await Promise.all([agentSession(stack), agentSession(stack)])
      const la = new Ledger(stack, a.visitor, a.chatId)
      const lb = new Ledger(stack, b.visitor, b.chatId)
      const before = await tokenRequests()
      const started = Date.now()
      const rounds = scale(8, 30)
      for (let i = 0; i < rounds; i++) {
        await Promise.all([la.visitorSays(), lb.visitorSays()])
        await new Promise((r) => setTimeout(r, 250))
      }
      const [ta, tb] = await Promise.all([la.settle(), lb.settle()])
      const t = sum(ta.toOperator, tb.toOperator)
      const refreshes = (await tokenRequests()) - before
      const expiries = Math.ceil((Date.now() - started) / 1800) + 1
      record({
        fault: 'token expiring (2 s lifetime) while 2 sessions send',
        where: 'send message',
        ...t,
        retries: refreshes,
        outcome: `${outcome(t)}; ${refreshes} refreshes for ~${expiries} expiries`,
      })
      expect(t).toMatchObject({ delivered: 2 * rounds, lost: 0, duplicated: 0 })
      expect(refreshes).toBeLessThanOrEqual(expiries * 3)
    } finally {
      await zoho(stack, 'PUT', '/settings', { tokenLifetimeSec: 3600 })
    }
  }, 60_000)
})

function sum<T extends Record<string, number>>(a: T, b: T): T {
  return Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! + b[k]!])) as T
}
