import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { Ledger } from './support/ledger'
import { outcome, record } from './support/matrix'
import { agentSession, escalationFailure, roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * SalesIQ slower than our client's 15 s timeout. A request that never got an answer is reported, not repeated: it
 * may have been processed (here: a hang or a 16 s latency — the visitor was told; had SalesIQ processed it
 * anyway, the operator would see it once and the visitor would have been told it may not have arrived). All three run at
 * once, so the file costs one timeout.
 */
let stack: Tracked
beforeAll(async () => {
  stack = await startTracked({ instances: 1 })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

describe('timeouts longer than our client’s', () => {
  it('send (hang / processed late) and open (hang): reported once, never repeated, never lost', async () => {
    const hang = await agentSession(stack)
    const late = await agentSession(stack)
    const opener = await new Visitor(stack, 'Open hang').start()
    await zoho(stack, 'POST', '/faults', {
      path: `/api/visitor/v1/*/conversations/${hang.chatId}/messages`,
      hang: true,
      count: 1,
    })
    await zoho(stack, 'POST', '/faults', {
      path: `/api/visitor/v1/*/conversations/${late.chatId}/messages`,
      latencyMs: 16_000,
      count: 1,
    })
    await zoho(stack, 'POST', '/faults', {
      path: '/api/visitor/v1/*/conversations',
      method: 'POST',
      hang: true,
      count: 1,
    })
    const hangLedger = new Ledger(stack, hang.visitor, hang.chatId)
    const lateLedger = new Ledger(stack, late.visitor, late.chatId)
    await Promise.all([hangLedger.visitorSays(), lateLedger.visitorSays(), opener.say('talk to a human')])

    const [h, l] = await Promise.all([hangLedger.settle(40_000), lateLedger.settle(40_000)])
    const lt = l.toOperator
    const failed = await escalationFailure(stack, opener, 40_000)
    await zoho(stack, 'DELETE', '/faults')
    const chats = (await zoho<any[]>(stack, 'GET', '/conversations')).filter((c) => c.visitor?.name === opener.name)

    record({
      fault: 'timeout: hang > 15 s',
      where: 'send message',
      ...h.toOperator,
      retries: 0,
      outcome: outcome(h.toOperator),
    })
    record({ fault: 'timeout: answered after 16 s', where: 'send message', ...lt, retries: 0, outcome: outcome(lt) })
    record({
      fault: 'timeout: hang > 15 s',
      where: 'open conversation',
      sent: 1,
      delivered: 0,
      duplicated: 0,
      lost: chats.length ? 1 : 0,
      told: 1,
      outcome: 'ok: visitor told, nothing opened',
    })
    expect(h.toOperator).toMatchObject({ told: 1, lost: 0, duplicated: 0 })
    // The emulator drops a request whose client went away during its latency (it cannot play "processed, answer
    // lost"): the visitor was told; had it been processed, it would count as uncertain — never lost, never twice.
    expect(lt.told + lt.uncertain).toBe(1)
    expect(lt).toMatchObject({ lost: 0, duplicated: 0 })
    expect(failed).toMatch(/may still have been processed|did not answer/)
    expect(chats).toHaveLength(0)
  }, 60_000)
})
