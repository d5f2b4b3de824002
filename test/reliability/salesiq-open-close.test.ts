import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { record } from './support/matrix'
import { agentSession, failedEscalation, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * SalesIQ misbehaving on "open conversation" (startHitl) and "close" (stopHitl): the escalation either opens exactly
 * one chat the visitor is connected to, or the visitor is told it failed and nothing is left half open; a close
 * either ends the SalesIQ chat or the bot builder gets an error (and a second stopHitl then closes it).
 */
let stack: Tracked
const OPEN = '/api/visitor/v1/*/conversations'
const CLOSE = '/api/v2/*/conversations/*/close'

beforeAll(async () => {
  stack = await startTracked({ instances: 1 })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

const faults: Array<[string, Record<string, unknown>]> = [
  ['503 burst ×2', { status: 503, count: 2 }],
  ['500 ×1', { status: 500, count: 1 }],
  ['429 Retry-After 1 s ×1', { status: 429, retryAfterSec: 1, count: 1 }],
  ['dropped connection ×1', { drop: true, count: 1 }],
]

const hitlConversations = () =>
  stack.botpress.dump().bots[stack.identity.botId]!.conversations.filter((c) => c.channel === 'hitl').length

describe('SalesIQ faults on open conversation (startHitl)', () => {
  for (const [fault, rule] of faults) {
    it(`${fault}: one chat and a connected visitor, or a clear failure and nothing half open`, async () => {
      const visitor = await new Visitor(stack, `Open ${fault}`).start()
      const before = hitlConversations()
      await zoho(stack, 'POST', '/faults', { path: OPEN, method: 'POST', ...rule })
      await visitor.say('talk to a human')
      const end = await waitFor(
        'connected or told',
        async () => {
          const v = await visitor.view()
          if (v.status.status === 'agent') return 'connected'
          return failedEscalation(stack, visitor) ? 'told' : undefined
        },
        20_000
      )
      await zoho(stack, 'DELETE', '/faults')
      const chats = (await zoho<any[]>(stack, 'GET', '/conversations')).filter((c) => c.visitor?.name === visitor.name)
      const opened = hitlConversations() - before
      record({
        fault,
        where: 'open conversation',
        sent: 1,
        delivered: end === 'connected' ? 1 : 0,
        duplicated: Math.max(0, chats.length - 1),
        lost: end === 'told' && chats.length ? 1 : 0,
        told: end === 'told' ? 1 : 0,
        outcome: end === 'connected' ? 'ok: connected' : 'ok: visitor told, nothing opened',
      })
      if (end === 'connected') {
        expect(chats).toHaveLength(1)
        expect(opened).toBe(1)
      } else {
        expect(chats, 'no SalesIQ chat left open').toHaveLength(0)
        expect(opened, 'no hitl conversation').toBe(0)
      }
    })
  }
})

describe('SalesIQ faults on close (stopHitl)', () => {
  for (const [fault, rule] of faults) {
    it(`${fault}: the chat ends, or the bot builder is told and a second stopHitl ends it`, async () => {
      const s = await agentSession(stack)
      await zoho(stack, 'POST', '/faults', { path: CLOSE, method: 'POST', ...rule })
      const first = await action(stack, 'stopHitl', { conversationId: s.hitlConversationId })
      await zoho(stack, 'DELETE', '/faults')
      const state = async () => (await zoho(stack, 'GET', `/conversations/${s.chatId}`)).state
      const endedAfterFirst = (await state()) === 'ended'
      record({
        fault,
        where: 'close',
        sent: 1,
        delivered: endedAfterFirst ? 1 : 0,
        duplicated: 0,
        lost: first.status === 200 && !endedAfterFirst ? 1 : 0,
        told: first.status !== 200 ? 1 : 0,
        outcome:
          first.status === 200
            ? endedAfterFirst
              ? 'ok: closed'
              : 'FAIL: stopHitl succeeded, chat still open'
            : 'ok: bot builder told; retry closes',
      })
      expect(first.status === 200 && !endedAfterFirst, 'stopHitl said closed but the SalesIQ chat is still open').toBe(
        false
      )
      if (first.status !== 200) {
        expect(JSON.stringify(first.body)).toMatch(/SalesIQ|Zoho/)
        expect((await action(stack, 'stopHitl', { conversationId: s.hitlConversationId })).status).toBe(200)
        expect(await state()).toBe('ended')
      }
    })
  }
})
