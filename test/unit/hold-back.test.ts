import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AGENT_SETTLE_MS,
  assignmentDueAt,
  BOT_API_CALL_MS,
  CALL_MARGIN_MS,
  callMsOf,
  endDueAt,
  EVENT_HOLD_AFTER_RETURN_MS,
  HOLD_AFTER_RETURN_MS,
  linkWorthWaitingFor,
  observedTags,
  operatorMessageDueAt,
  orderGapMs,
  pluginReadyAt,
  type Tags,
} from '../../src/hitl/hold-back'
import { pluginTimeoutFor } from '../../src/hitl/plugin-settings'

/**
 * A model of the HITL plugin's timing (reference/botpress.md §3, and the versions of plugins/hitl read for it): every
 * call takes L ms, `split` of it on the way to the API and the rest on the way back, plus `work` ms of the bot's own
 * processing; a write is visible from the moment the API processes it. Versions differ in when they link and
 * activate after startHitl returned: the newest code links in its 1st call and activates in its 2nd; 1.3.x–1.4.x
 * read the hitl conversation first, link in the 2nd, may save the start message id, activate in the 3rd or 4th; the
 * oldest linked one conversation after the other and activated them one after the other (3rd, 4th); and the
 * reference's 5 calls to activation at most.
 */
type Version = { link: number; active: number }
const VERSIONS: Version[] = [
  { link: 1, active: 2 },
  { link: 2, active: 3 },
  { link: 2, active: 4 },
  { link: 3, active: 5 },
]
type Bot = { L: number; split: number; work: number }
const legs = ({ L, split }: Bot) => ({ there: L * split, back: L * (1 - split) })

/** When the API processes the writes of calls 1…n of a handler that starts at `start`. */
function processedAt(bot: Bot, start: number, n: number): number[] {
  const { there, back } = legs(bot)
  const at: number[] = []
  let t = start
  for (let k = 0; k < n; k++) {
    const processed = t + bot.work + there
    at.push(processed)
    t = processed + back
  }
  return at
}
/** The plugin after startHitl returned at R (the answer reaches the bot `back` ms later). */
function afterReturn(bot: Bot, R: number, v: Version) {
  const at = processedAt(bot, R + legs(bot).back, v.active)
  return { linkedAt: at[v.link - 1]!, activeAt: at[v.active - 1]! }
}
/** An event handler reads the session in its 1st call; an agent message the agent in its 1st, the session in its 2nd. */
const eventReadsSessionAt = (bot: Bot, E: number) => processedAt(bot, E, 1)[0]!
const messageReadsAt = (bot: Bot, E: number) => {
  const [agent, session] = processedAt(bot, E, 2)
  return { agent: agent!, session: session! }
}
/** hitlAssigned stores the agent in its 5th call; hitlStopped ends the session in its 4th. */
const agentStoredAt = (bot: Bot, E: number) => processedAt(bot, E, 5)[4]!
const sessionEndedAt = (bot: Bot, E: number) => processedAt(bot, E, 4)[3]!

/** The tags a delivery handled at `t` sees: the link only once written, its time from `updatedAt`. */
function seenAt(t: number, H: number, linkedAt: number, extra: Tags = {}): Tags {
  const tags: Tags = { handedOverAt: String(H), ...extra }
  if (t < linkedAt) return tags
  return observedTags({ tags: { ...tags, 'hitl#upstream': 'conv_up' }, updatedAt: new Date(linkedAt).toISOString() })
}

const scenario = fc.record({
  L: fc.integer({ min: 0, max: BOT_API_CALL_MS }),
  split: fc.double({ min: 0, max: 1, noNaN: true }),
  work: fc.integer({ min: 1, max: CALL_MARGIN_MS - 10 }), // every call takes some time
  version: fc.constantFrom(...VERSIONS),
  /** From the hand-over tag to startHitl's return (the read-back of the operator; a slower one re-tags). */
  tagToReturn: fc.integer({ min: 0, max: 100 }),
  /** When SalesIQ's assignment, the operator's first reply and the end are handled, after the hand-over. */
  assignedAfter: fc.integer({ min: 0, max: 8000 }),
  repliedAfter: fc.integer({ min: 0, max: 8000 }),
  endedAfter: fc.integer({ min: 0, max: 12_000 }),
})

describe('when the plugin accepts what the integration sends', () => {
  it('every hitlAssigned, first reply and hitlStopped reaches the plugin, up to 1 000 ms per call, any version', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bot: Bot = { L: s.L, split: s.split, work: s.work }
        const H = 100_000
        const R = H + s.tagToReturn
        const { linkedAt, activeAt } = afterReturn(bot, R, s.version)

        const assignedAt = H + s.assignedAfter
        const eventDue = assignmentDueAt(seenAt(assignedAt, H, linkedAt), assignedAt)!
        expect(eventReadsSessionAt(bot, eventDue)).toBeGreaterThan(activeAt)

        const repliedAt = assignedAt + s.repliedAfter
        const replyTags = seenAt(repliedAt, H, linkedAt, { assignmentDueAt: String(eventDue) })
        const replyDue = operatorMessageDueAt(replyTags, 'user_op', repliedAt)!
        const reads = messageReadsAt(bot, replyDue)
        expect(reads.session).toBeGreaterThan(activeAt)
        expect(reads.agent).toBeGreaterThan(agentStoredAt(bot, eventDue)) // never "the author becomes the agent"

        const endedAt = Math.max(repliedAt, H + s.endedAfter)
        const endTags = seenAt(endedAt, H, linkedAt, { assignmentDueAt: String(eventDue) })
        const endDue = endDueAt(endTags, endedAt, replyDue)
        expect(eventReadsSessionAt(bot, endDue)).toBeGreaterThan(activeAt)
        expect(reads.session).toBeLessThan(sessionEndedAt(bot, endDue)) // the reply is relayed before the end
      }),
      { numRuns: 3000 }
    )
  })

  it('waits least on a fast bot: at 0 ms per call, "joined" ~0.05 s after the link and the first reply ~0.3 s later', () => {
    const H = 100_000
    const linkedAt = H + 6 // a bot on the same machine
    const seen = seenAt(H + 20, H, linkedAt)
    expect(callMsOf(seen)).toBe(6 + CALL_MARGIN_MS)
    const eventDue = assignmentDueAt(seen, H + 20)!
    expect(eventDue - linkedAt).toBe(6 + CALL_MARGIN_MS) // active by twice the time the link took
    const replyDue = operatorMessageDueAt({ ...seen, assignmentDueAt: String(eventDue) }, 'user_op', H + 30)!
    expect(replyDue - eventDue).toBe(5 * (6 + CALL_MARGIN_MS))
    // Accepted once the session is active: nothing to wait for but the agent's settling.
    expect(assignmentDueAt(seenAt(H + 9000, H, linkedAt), H + 9000)).toBe(H + 9000)
  })

  it('scales with the measured call and never exceeds the slowest call covered', () => {
    const H = 100_000
    expect(callMsOf(seenAt(H + 5000, H, H + 400))).toBe(400 + CALL_MARGIN_MS)
    expect(callMsOf(seenAt(H + 5000, H, H + 2100))).toBe(BOT_API_CALL_MS + CALL_MARGIN_MS)
    expect(assignmentDueAt(seenAt(H + 500, H, H + 400), H + 500)).toBe(H + 2 * 400 + CALL_MARGIN_MS)
  })

  it('counts the slowest call while the link is not seen, or when its time cannot be trusted', () => {
    const H = 100_000
    expect(pluginReadyAt({}, H)).toBeUndefined()
    expect(pluginReadyAt({ handedOverAt: String(H) }, H + 100)).toBe(H + HOLD_AFTER_RETURN_MS)
    expect(assignmentDueAt({ handedOverAt: String(H) }, H + 100)).toBe(H + EVENT_HOLD_AFTER_RETURN_MS)
    // updatedAt not after the hand-over (another clock, or not moved by the link): no measure.
    const skewed = observedTags({
      tags: { handedOverAt: String(H), 'hitl#upstream': 'conv_up' },
      updatedAt: new Date(H - 5).toISOString(),
    })
    expect(callMsOf(skewed)).toBe(BOT_API_CALL_MS + CALL_MARGIN_MS)
    const noDate = observedTags({ tags: { handedOverAt: String(H), 'hitl#upstream': 'conv_up' } })
    expect(noDate.pluginLinkedAt).toBeUndefined()
    expect(callMsOf(noDate)).toBe(BOT_API_CALL_MS + CALL_MARGIN_MS)
  })

  it('waits for the link only while it can still come and still shorten the hold-back', () => {
    const H = 100_000
    expect(linkWorthWaitingFor({}, H)).toBe(false) // not handed over: nothing to time yet
    expect(linkWorthWaitingFor({ handedOverAt: String(H) }, H + 100)).toBe(true)
    // Even the slowest plugin links in its 2nd call: past that (and a call of margin), it is not one that links.
    expect(linkWorthWaitingFor({ handedOverAt: String(H) }, H + 3 * (BOT_API_CALL_MS + CALL_MARGIN_MS))).toBe(false)
    expect(linkWorthWaitingFor(seenAt(H + 100, H, H + 50), H + 100)).toBe(false) // seen
    expect(linkWorthWaitingFor({ handedOverAt: String(H), 'hitl#humanAgentId': 'user_op' }, H + 100)).toBe(false)
  })

  it('keeps the first measure: later writes move updatedAt, the kept pluginLinkedAt does not', () => {
    const kept = observedTags({
      tags: { handedOverAt: '100000', 'hitl#upstream': 'conv_up', pluginLinkedAt: '100010' },
      updatedAt: new Date(130_000).toISOString(),
    })
    expect(kept.pluginLinkedAt).toBe('100010')
  })

  it('holds nothing back for activation once the plugin stored an agent (the session is active)', () => {
    expect(pluginReadyAt({ handedOverAt: '10000', 'hitl#humanAgentId': 'user_op' }, 10_500)).toBe(10_500)
    const transferred = { handedOverAt: '10000', 'hitl#humanAgentId': 'user_a', assignmentDueAt: '30000' }
    expect(operatorMessageDueAt(transferred, 'user_b', 30_000)).toBe(30_000 + AGENT_SETTLE_MS)
    expect(operatorMessageDueAt({ ...transferred, 'hitl#humanAgentId': 'user_b' }, 'user_b', 30_000)).toBe(30_000)
  })

  it('keeps two assignments in order: a quick transfer is due one call after the first', () => {
    const tags = seenAt(100_500, 100_000, 100_010, { assignmentDueAt: '100200' })
    expect(assignmentDueAt(tags, 100_500)).toBe(100_500) // the first is long due
    expect(assignmentDueAt({ ...tags, assignmentDueAt: '100900' }, 100_500)).toBe(100_900 + orderGapMs(tags))
  })

  it('ends after a message held back under a slower measure than the one seen at the end', () => {
    const tags = seenAt(103_000, 100_000, 100_010, { assignmentDueAt: '100200' })
    expect(endDueAt(tags, 103_000)).toBe(103_000) // nothing held: now
    expect(endDueAt(tags, 103_000, 104_200)).toBe(104_200 + orderGapMs(tags))
    // An end before the hand-over (it raced startHitl): after the plugin could be active.
    expect(endDueAt({}, 100_000)).toBe(100_000 + EVENT_HOLD_AFTER_RETURN_MS + BOT_API_CALL_MS + CALL_MARGIN_MS)
  })
})

describe("the HITL plugin's assignment timeout for a SalesIQ waiting time", () => {
  it('stays 10 s under the waiting time, so the plugin ends the wait before SalesIQ misses the chat', () => {
    expect(pluginTimeoutFor(60)).toBe(50)
    expect(pluginTimeoutFor(30)).toBe(20)
    expect(pluginTimeoutFor(5)).toBe(1)
    expect(pluginTimeoutFor(0)).toBeUndefined()
  })
})
