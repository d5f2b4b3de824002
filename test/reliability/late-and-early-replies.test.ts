import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { record } from './support/matrix'
import { agentSession, chatIdOf, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Operator messages whose delivery lands outside the session as the plugin sees it: after `completed` (reordered
 * by a redelivery) or before startHitl returned (the operator answers while the transcript is still being sent).
 * The plugin drops both, so the integration orders them in: a reply before startHitl returned is held back like an
 * early assignment, and `completed` first reads back the chat's last operator messages from SalesIQ.
 */
let stack: Tracked
beforeAll(async () => {
  stack = await startTracked({
    instances: 1,
    zohoSettings: { webhookRetryIntervalMs: 150 },
  })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

const seen = async (v: Visitor, text: string) => (await v.view()).messages.filter((m) => m.payload.text === text).length

describe('operator messages at the edges of the session', () => {
  it('completed delivered before the last reply: the last reply still reaches the visitor', async () => {
    const s = await agentSession(stack)
    await zoho(stack, 'POST', '/faults/webhooks', { action: 'hold' })
    await zoho(stack, 'POST', `/conversations/${s.chatId}/reply`, { text: 'last words' })
    await zoho(stack, 'POST', `/conversations/${s.chatId}/complete`, {})
    await zoho(stack, 'DELETE', '/faults')
    await zoho(stack, 'POST', '/webhooks/release', { order: 'reverse' })
    await s.visitor.waitForMessage('agent left', (m) => m.payload.text === DEFAULT_TEXTS.onHitlStoppedMessage)
    await new Promise((r) => setTimeout(r, 1000))
    const n = await seen(s.visitor, 'last words')
    record({
      fault: 'reordered: completed before the last reply',
      where: 'webhooks',
      sent: 1,
      delivered: n === 1 ? 1 : 0,
      duplicated: n > 1 ? 1 : 0,
      lost: n === 0 ? 1 : 0,
      outcome: n === 1 ? 'ok' : 'reply after hitlStopped was dropped by the plugin',
    })
    expect(n).toBe(1)
  })

  it('operator replies before startHitl returned: the reply still reaches the visitor', async () => {
    await zoho(stack, 'PUT', '/settings', { autoAssignDelayMs: 0 })
    // SalesIQ is slow to take the transcript: startHitl is still running when the operator answers.
    await zoho(stack, 'POST', '/faults', {
      path: '/api/visitor/v1/*/conversations/*/messages',
      method: 'POST',
      latencyMs: 1500,
      count: 1,
    })
    try {
      const visitor = await new Visitor(stack, `Quick ${Date.now()}`).start()
      await visitor.say('talk to a human')
      const chatId = await chatIdOf(stack, visitor.name)
      await zoho(stack, 'POST', `/conversations/${chatId}/reply`, { text: 'hello, quick one' })
      await visitor.waitForStatus('agent')
      await waitFor('the reply', async () => (await seen(visitor, 'hello, quick one')) > 0, 8000).catch(() => undefined)
      const n = await seen(visitor, 'hello, quick one')
      record({
        fault: 'operator.replied before startHitl returned',
        where: 'webhooks',
        sent: 1,
        delivered: n === 1 ? 1 : 0,
        duplicated: n > 1 ? 1 : 0,
        lost: n === 0 ? 1 : 0,
        outcome: n === 1 ? 'ok' : 'reply before startHitl returned was dropped by the plugin',
      })
      expect(n).toBe(1)
    } finally {
      await zoho(stack, 'DELETE', '/faults')
      await zoho(stack, 'PUT', '/settings', { autoAssignDelayMs: 100 })
    }
  })
})
