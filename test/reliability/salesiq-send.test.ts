import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zoho } from '../harness/helpers'
import { Ledger } from './support/ledger'
import { outcome, record } from './support/matrix'
import { scale } from './support/profile'
import { agentSession, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * SalesIQ misbehaving while the visitor writes to the operator (visitor API "send message"): every message reaches
 * the operator once, or the visitor is told it did not (the plugin-like bot shows the integration's RuntimeError).
 * Retried only where a duplicate is impossible: 429 (Retry-After) and 502/503/504, never a plain 500 or a dropped
 * connection after the request went out.
 */
let stack: Tracked
const N = scale(3, 30)
const SEND = '/api/visitor/v1/*/conversations/*/messages'

beforeAll(async () => {
  stack = await startTracked({ instances: 1 })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

type Case = { fault: string; rule: Record<string, unknown>; expectTold: (n: number) => boolean; retried: boolean }

const cases: Case[] = [
  { fault: '503 burst ×2', rule: { status: 503, count: 2 }, expectTold: (t) => t === 0, retried: true },
  { fault: '502/504 burst ×2', rule: { status: 502, count: 1 }, expectTold: (t) => t === 0, retried: true },
  { fault: '503 burst ×6 (outlasts retries)', rule: { status: 503, count: 6 }, expectTold: () => true, retried: true },
  { fault: '500 burst ×2', rule: { status: 500, count: 2 }, expectTold: (t) => t === 2, retried: false },
  {
    fault: '429 Retry-After 1 s ×2',
    rule: { status: 429, retryAfterSec: 1, count: 2 },
    expectTold: (t) => t === 0,
    retried: true,
  },
  { fault: 'dropped connection ×2', rule: { drop: true, count: 2 }, expectTold: (t) => t === 2, retried: false },
  { fault: `5xx at 20 % (random)`, rule: { status: 503, probability: 0.2 }, expectTold: () => true, retried: true },
]

describe('SalesIQ faults on send message (visitor → operator)', () => {
  for (const c of cases) {
    it(`${c.fault}: each message reaches the operator once, or the visitor is told`, async () => {
      const s = await agentSession(stack)
      const ledger = new Ledger(stack, s.visitor, s.chatId)
      await zoho(stack, 'DELETE', '/requests')
      await zoho(stack, 'POST', '/faults', { path: SEND, method: 'POST', ...c.rule })
      for (let i = 0; i < N; i++) await ledger.visitorSays()
      const { toOperator: t } = await ledger.settle()
      await zoho(stack, 'DELETE', '/faults')
      const attempts = (
        await zoho<any[]>(stack, 'GET', `/requests?method=POST&path=/conversations/${s.chatId}/messages`)
      ).length
      record({ fault: c.fault, where: 'send message', ...t, retries: attempts - t.sent, outcome: outcome(t) })
      expect(t.lost, 'lost').toBe(0)
      expect(t.duplicated, 'duplicated').toBe(0)
      expect(t.uncertain).toBe(0)
      expect(c.expectTold(t.told), `told = ${t.told}`).toBe(true)
      if (!c.retried) expect(attempts).toBe(t.sent)
    }, 60_000)
  }
})
