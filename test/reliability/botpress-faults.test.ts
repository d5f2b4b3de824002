import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { Ledger } from './support/ledger'
import { outcome, record } from './support/matrix'
import { scale } from './support/profile'
import { agentSession, escalationFailure, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * The Botpress API answering 5xx/429 to the integration (the Botpress emulator's fault injection). On a webhook the
 * integration answers SalesIQ with a 5xx and the redelivery relays the message once; on a visitor message the
 * visitor is told; on startHitl nothing is left half open.
 */
let stack: Tracked
const N = scale(4, 30)
const bpRequests = (path: string) =>
  stack.botpress.requests().filter((r) => r.path.startsWith(path) && !!r.headers['x-integration-id'])

beforeAll(async () => {
  stack = await startTracked({
    instances: 1,
    zohoSettings: { webhookRetryIntervalMs: 150 },
  })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))
beforeEach(() => stack.botpress.faults.clear())

describe('Botpress API faults', () => {
  for (const [fault, rule] of [
    ['503 ×2 on listConversations', [{ path: '/v1/chat/conversations', method: 'GET', status: 503, count: 2 }]],
    [
      '429 Retry-After 0 ×2 on getOrCreateMessage',
      [{ path: '/v1/chat/messages/get-or-create', method: 'POST', status: 429, retryAfterSec: 0, count: 2 }],
    ],
    [
      '500 at 15 % on states, listConversations, getOrCreateUser/Message',
      [
        '/v1/chat/states/*',
        '/v1/chat/conversations',
        '/v1/chat/users/get-or-create',
        '/v1/chat/messages/get-or-create',
      ].map((path) => ({
        path,
        status: 500,
        probability: 0.15,
      })),
    ],
  ] as const) {
    it(`${fault}, while the operator writes: each reply reaches the visitor once`, async () => {
      const s = await agentSession(stack)
      const ledger = new Ledger(stack, s.visitor, s.chatId)
      for (const r of rule) stack.botpress.faults.add({ ...r, caller: stack.identity.integrationId })
      for (let i = 0; i < N; i++) await ledger.operatorSays()
      const { toVisitor } = await ledger.settle(30_000)
      stack.botpress.faults.clear()
      const log = await zoho<any[]>(
        stack,
        'GET',
        `/deliveries?event=conversation.operator.replied&entityId=${s.chatId}`
      )
      // A reply every attempt of which failed is not lost silently: SalesIQ keeps it as a failed execution (shown in
      // its webhook executions, replayable). Lost = acknowledged with a 2xx and still not shown.
      const shown = (await s.visitor.view()).messages.map((m) => String(m.payload.text ?? ''))
      const gaveUp = ledger.toVisitor.filter((text) => {
        if (shown.includes(text)) return false
        const attempts = log.filter((d) => String(d.body).includes(text))
        return attempts.length > 0 && attempts.every((d) => d.status === null || d.status >= 300)
      }).length
      const t = { ...toVisitor, lost: toVisitor.lost - gaveUp, told: toVisitor.told + gaveUp }
      record({
        fault: `Botpress ${fault}`,
        where: 'webhook operator.replied',
        ...t,
        retries: log.length - N,
        outcome: gaveUp ? `${outcome(t)} (SalesIQ gave up on ${gaveUp}: failed execution)` : outcome(t),
      })
      expect(t).toMatchObject({ lost: 0, duplicated: 0 })
      expect(t.delivered + t.told).toBe(N)
    }, 60_000)
  }

  it('500 ×2 on states, while the visitor writes: each message arrives once or the visitor is told', async () => {
    const s = await agentSession(stack)
    const ledger = new Ledger(stack, s.visitor, s.chatId)
    stack.botpress.faults.add({
      path: '/v1/chat/states/*',
      status: 500,
      count: 2,
      caller: stack.identity.integrationId,
    })
    for (let i = 0; i < N; i++) await ledger.visitorSays()
    const { toOperator: t } = await ledger.settle()
    record({ fault: 'Botpress 500 ×2 on states', where: 'send message', ...t, outcome: outcome(t) })
    expect(t).toMatchObject({ lost: 0, duplicated: 0, uncertain: 0 })
  })

  it('500 on creating the hitl conversation: the SalesIQ chat is closed again and the visitor told', async () => {
    const visitor = await new Visitor(stack, `BP open ${Date.now()}`).start()
    stack.botpress.faults.add({
      path: '/v1/chat/conversations/get-or-create',
      method: 'POST',
      status: 500,
      count: 5,
      caller: stack.identity.integrationId,
    })
    await visitor.say('talk to a human')
    await escalationFailure(stack, visitor)
    const chats = (await zoho<any[]>(stack, 'GET', '/conversations')).filter((c) => c.visitor?.name === visitor.name)
    const attempts = bpRequests('/v1/chat/conversations/get-or-create').length
    record({
      fault: 'Botpress 500 on getOrCreateConversation',
      where: 'open conversation',
      sent: 1,
      delivered: 0,
      duplicated: Math.max(0, chats.length - 1),
      lost: chats.some((c) => c.state !== 'ended') ? 1 : 0,
      told: 1,
      retries: attempts - 1,
      outcome: 'ok: visitor told, SalesIQ chat closed again',
    })
    expect(chats.length).toBeLessThanOrEqual(1)
    await waitFor('no SalesIQ chat left open', async () =>
      (await zoho<any[]>(stack, 'GET', '/conversations'))
        .filter((c) => c.visitor?.name === visitor.name)
        .every((c) => c.state === 'ended')
    )
  })
})
