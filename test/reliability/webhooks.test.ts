import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { Ledger } from './support/ledger'
import { outcome, record, type Row } from './support/matrix'
import { scale } from './support/profile'
import { agentSession, chatIdOf, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * SalesIQ's webhooks as they really come: redelivered (attempts 2–4, also after we had processed them), the same
 * delivery twice at once (two instances, round-robin), delayed, held and released in reverse order. What the
 * visitor's page shows: each operator message once, the agent joined once.
 */
let stack: Tracked
const N = scale(4, 30)

beforeAll(async () => {
  stack = await startTracked({
    instances: 2,
    zohoSettings: { webhookRetryIntervalMs: 150, webhookTimeoutMs: 1000 },
  })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))
beforeEach(async () => {
  stack.botpress.faults.clear()
  await zoho(stack, 'DELETE', '/faults')
})

const replyDeliveries = async (chatId: string) =>
  (await zoho<any[]>(stack, 'GET', `/deliveries?event=conversation.operator.replied&entityId=${chatId}`)).length

async function operatorRow(fault: string, inject: () => Promise<unknown>): Promise<Row> {
  const s = await agentSession(stack)
  const ledger = new Ledger(stack, s.visitor, s.chatId)
  await inject()
  for (let i = 0; i < N; i++) await ledger.operatorSays()
  const { toVisitor: t } = await ledger.settle(30_000)
  const row = record({
    fault,
    where: 'webhook operator.replied',
    ...t,
    retries: (await replyDeliveries(s.chatId)) - N,
    outcome: outcome(t),
  })
  expect(t).toMatchObject({ delivered: N, lost: 0, duplicated: 0 })
  return row
}

describe('operator messages through faulty webhooks (visitor’s page)', () => {
  it('redelivered: attempts 1–3 fail on the Botpress side, attempt 4 is relayed once', async () => {
    const row = await operatorRow('redelivered (attempts 2–4)', async () =>
      stack.botpress.faults.add({ path: '/v1/chat/messages/get-or-create', method: 'POST', status: 500, count: 3 })
    )
    expect(row.retries).toBe(3)
  })

  it('redelivered after we had processed it (answered after SalesIQ’s timeout): once', async () => {
    const row = await operatorRow('redelivered after processing (late answer)', async () =>
      stack.botpress.faults.add({ path: '/v1/chat/messages/get-or-create', method: 'POST', latencyMs: 1300, count: 2 })
    )
    expect(row.retries).toBeGreaterThanOrEqual(1)
  })

  it('the same delivery to two instances at once: once', async () => {
    const row = await operatorRow('same delivery twice at once (2 instances)', () =>
      zoho(stack, 'POST', '/faults/webhooks', { action: 'duplicate', event: 'conversation.operator.replied' })
    )
    expect(row.retries).toBe(N)
  })

  it('delayed (half of them by 400 ms): each once', async () => {
    await operatorRow('delayed 400 ms (50 %)', () =>
      zoho(stack, 'POST', '/faults/webhooks', {
        action: 'delay',
        delayMs: 400,
        probability: 0.5,
        event: 'conversation.operator.replied',
      })
    )
  })
})

describe('reordered and early deliveries', () => {
  it('operator.replied before attender.updated: the visitor sees the agent join once and the reply once', async () => {
    await zoho(stack, 'POST', '/faults/webhooks', { action: 'hold' })
    const visitor = await new Visitor(stack, `Reorder ${Date.now()}`).start()
    await visitor.say('talk to a human')
    const chatId = await chatIdOf(stack, visitor.name)
    await waitFor('assignment held', async () =>
      (await zoho<any[]>(stack, 'GET', '/webhooks/held')).some((h) => h.event === 'conversation.attender.updated')
    )
    await visitor.waitForStatus('waiting')
    await zoho(stack, 'POST', `/conversations/${chatId}/reply`, { text: 'first words' })
    await zoho(stack, 'DELETE', '/faults')
    await zoho(stack, 'POST', '/webhooks/release', { order: 'reverse' })
    await visitor.waitForStatus('agent')
    await visitor.waitForMessage('reply', (m) => m.payload.text === 'first words')
    await new Promise((r) => setTimeout(r, 3000)) // the scheduled hitlAssigned (early-assignment delay) lands
    const texts = (await visitor.view()).messages.map((m) => m.payload.text)
    const sent = 2
    const seen = [
      texts.filter((t) => t === 'first words').length,
      texts.filter((t) => t === DEFAULT_TEXTS.onHumanAgentAssignedMessage).length,
    ]
    record({
      fault: 'reordered: operator.replied before attender.updated',
      where: 'webhooks',
      sent,
      delivered: seen.filter((n) => n === 1).length,
      duplicated: seen.filter((n) => n > 1).length,
      lost: seen.filter((n) => n === 0).length,
      outcome: seen.every((n) => n === 1) ? 'ok: joined once, reply once' : 'FAIL',
    })
    expect(seen).toEqual([1, 1])
    expect((await visitor.view()).status.agentName).toBe('Ada Lovelace')
  })

  it('attender.updated before startHitl returned, for many sessions at once: every visitor sees the agent join once', async () => {
    const sessions = scale(3, 20)
    await zoho(stack, 'PUT', '/settings', { autoAssignDelayMs: 0 })
    stack.botpress.faults.add({ path: '/v1/chat/conversations/get-or-create', method: 'POST', latencyMs: 400 })
    try {
      const visitors = await Promise.all(
        Array.from({ length: sessions }, (_, i) => new Visitor(stack, `Early ${i} ${Date.now()}`).start())
      )
      await Promise.all(visitors.map((v) => v.say('talk to a human')))
      await Promise.all(visitors.map((v) => v.waitForStatus('agent', 30_000)))
      await new Promise((r) => setTimeout(r, 500))
      const joined = await Promise.all(
        visitors.map(
          async (v) =>
            (await v.view()).messages.filter((m) => m.payload.text === DEFAULT_TEXTS.onHumanAgentAssignedMessage).length
        )
      )
      record({
        fault: 'attender.updated before startHitl returned',
        where: 'webhooks',
        sent: sessions,
        delivered: joined.filter((n) => n === 1).length,
        duplicated: joined.filter((n) => n > 1).length,
        lost: joined.filter((n) => n === 0).length,
        outcome: joined.every((n) => n === 1) ? 'ok: joined once each' : 'FAIL',
      })
      expect(joined).toEqual(Array(sessions).fill(1))
    } finally {
      stack.botpress.faults.clear()
      await zoho(stack, 'PUT', '/settings', { autoAssignDelayMs: 100 })
    }
  }, 60_000)
})
