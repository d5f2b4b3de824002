import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import { startIntegration } from '../../sandbox/runtime/integration-process'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { record } from './support/matrix'
import { roomForAll } from './support/session'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Issue #14.4, performed: the integration is killed (SIGKILL) between "SalesIQ chat opened" and "chat mapped to a
 * hitl conversation". The visitor's escalation fails (like the real plugin, the bot then says nothing after its handoff
 * text, and the session never becomes active); the chat must not stay open with an operator typing into the
 * void: the next delivery for it, once it is too old to be a startHitl still at work, closes it and tells the
 * operator why.
 */
let stack: Tracked
const GRACE_MS = 30_000 // src/webhook/orphan-chat.ts UNMAPPED_GRACE_MS

beforeAll(async () => {
  stack = await startTracked({ instances: 1, zohoSettings: { webhookRetryIntervalMs: 500 } })
  await roomForAll(stack)
})
afterAll(() => closeAndScan(stack))

describe('#14.4 a crash between "chat opened" and "chat mapped"', () => {
  it('leaves no chat nobody can answer: it is closed, the operator told, no session left waiting', async () => {
    const visitor = await new Visitor(stack, `Orphan-${Date.now() % 10_000}`).start()
    // Hold the mapping call long enough to kill the process in the window.
    stack.botpress.faults.add({
      path: '/v1/chat/conversations/get-or-create',
      method: 'POST',
      latencyMs: 5_000,
      count: 1,
    })
    await visitor.say('talk to a human')
    const chat = await waitFor('the SalesIQ chat to open', async () => {
      const list = await zoho<any[]>(stack, 'GET', '/conversations')
      return list.find((c) => c.visitor?.name === visitor.name)
    })
    process.kill(stack.pool.instances[0]!.pid, 'SIGKILL')
    stack.pool.instances[0] = await startIntegration({
      BP_API_URL: stack.botpress.url,
      ZOHO_ACCOUNTS_URL: stack.zoho.url,
      ZOHO_SALESIQ_URL: stack.zoho.url,
    })
    const toldVisitor = await waitFor('the handoff text', async () =>
      (await visitor.view()).messages.some((m) => m.payload.text === DEFAULT_TEXTS.onHitlHandoffMessage)
    )

    // The operator got the chat and answers after a while, as operators do.
    const openedAt = Number(chat.start_time ?? Date.now())
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + GRACE_MS + 1_500 - Date.now())))
    await zoho(stack, 'POST', `/conversations/${chat.id}/reply`, { text: 'Hello, how can I help?' })
    const ended = await waitFor(
      'the orphan chat to be closed',
      async () => {
        const c = await zoho(stack, 'GET', `/conversations/${chat.id}`)
        return c.state === 'ended' || c.state === 'missed' ? c : undefined
      },
      15_000
    ).catch(() => undefined)
    const final = await zoho(stack, 'GET', `/conversations/${chat.id}`)
    const toldOperator = (final.messages as any[]).some(
      (m) => m.sender?.type === 'visitor' && /could not be connected to the visitor/.test(m.message?.text ?? '')
    )
    const view = await visitor.view()
    const agentMessages = view.messages.filter((m) => m.author === 'agent')
    record({
      fault: 'integration killed (SIGKILL) between opening the chat and mapping it',
      where: 'startHitl',
      sent: 1,
      delivered: 0,
      duplicated: 0,
      lost: ended ? 0 : 1,
      told: toldVisitor ? 1 : 0,
      outcome: ended
        ? `ok: the session never became active; chat closed (${final.state}) with a line to the operator`
        : `FAIL: the chat is still ${final.state}, and its operator's replies go nowhere`,
    })
    expect(toldVisitor).toBe(true)
    expect(ended).toBeTruthy()
    expect(toldOperator).toBe(true)
    expect(agentMessages).toEqual([])
    expect(view.status.status).toBe('bot') // the failed escalation left no session waiting for an agent
  }, 90_000)
})
