import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LoadGenerator, type DriveReport } from '../../bench/load'
import { zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { FULL, scale } from './support/profile'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Concurrent HITL sessions (1 000 in the full profile, 100 in the fast one) on two instances, a realistic mix (half
 * the messages from the operator, half from the visitor), with faults at a stated rate: SalesIQ answers 503 to 5 %
 * of sends, the Botpress API 500 to 5 % of the integration's message creations (SalesIQ redelivers), and SalesIQ
 * delivers 5 % of webhooks twice. Driven by the benchmarks' load generator (bench/load). Lost must be 0, and so must
 * duplicated.
 */
let stack: Tracked
let load: LoadGenerator
const SESSIONS = scale(100, 1000)
const PER_SESSION = scale(2, 4)
const RATE = 0.05

beforeAll(async () => {
  stack = await startTracked({
    bot: false,
    instances: 2,
    zohoSettings: { autoAssignDelayMs: 60_000, webhookRetryIntervalMs: 200 },
  })
  load = new LoadGenerator(stack)
}, 120_000)
afterAll(async () => {
  load?.close()
  await closeAndScan(stack)
})

describe('load with faults', () => {
  it(`${SESSIONS} concurrent sessions, ${SESSIONS * PER_SESSION} messages, faults at ${RATE * 100} %: none lost, none duplicated`, async () => {
    await load.open(SESSIONS, 32)
    await zoho(stack, 'POST', '/faults', {
      path: '/api/visitor/v1/*/conversations/*/messages',
      method: 'POST',
      status: 503,
      probability: RATE,
    })
    await zoho(stack, 'POST', '/faults/webhooks', {
      action: 'duplicate',
      probability: RATE,
      event: 'conversation.operator.replied',
    })
    stack.botpress.faults.add({
      path: '/v1/chat/messages/get-or-create',
      method: 'POST',
      status: 500,
      probability: RATE,
    })
    let report: DriveReport
    try {
      report = await load.drive({
        messagesPerSession: PER_SESSION,
        operatorShare: 0.5,
        concurrency: scale(32, 64),
        messageTimeoutMs: 15_000,
        settleTimeoutMs: 20_000,
      })
    } finally {
      stack.botpress.faults.clear()
      await zoho(stack, 'DELETE', '/faults')
    }
    const { visitor: v, operator: o } = report
    for (const [where, d] of [
      ['load: visitor → operator', v],
      ['load: operator → visitor', o],
    ] as const)
      record({
        fault: `${SESSIONS} sessions, 503/500/duplicate at ${RATE * 100} %`,
        where,
        sent: d.sent,
        delivered: d.delivered,
        duplicated: d.duplicated,
        lost: d.lost,
        told: d.failedReported,
        retries: d.retries,
        outcome:
          d.lost || d.duplicated ? 'FAIL' : `ok (${FULL ? 'full' : 'fast'}; p99 ${Math.round(d.latency.p99)} ms)`,
      })
    expect(v.lost + o.lost, JSON.stringify(report.samples)).toBe(0)
    expect(v.duplicated + o.duplicated).toBe(0)
    expect(v.delivered + v.failedReported).toBe(v.sent)
    expect(o.delivered).toBe(o.sent)
  }, 600_000)
})
