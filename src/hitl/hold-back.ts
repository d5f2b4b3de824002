/**
 * When the HITL plugin will accept what the integration sends (reference/botpress.md §3), with the least wait the
 * integration can justify from what it observes.
 *
 * The plugin drops, for good, every hitlAssigned / hitlStopped / agent message on a hitl conversation whose session it
 * has not marked active yet, and it marks it active only some of its own Botpress API calls after startHitl returned.
 * With L ms per bot→API call, the write of the plugin's k-th call after a moment T is processed at T + k·L (whatever
 * part of L is spent on the way there and back), and a handler started at E reads in its call `r` between
 * E + (r − 1)·L and E + r·L: to be read after a write in call `w`, what the integration emits is due (w − r + 1)·L
 * after T, whatever the split (the "+ 1" is MARGIN_CALLS: the read may reach the API at the very start of its call).
 * Which call reads what (1.3.x–1.4.x):
 * - an event (hitlAssigned, hitlStopped) reads the session state in its 1st call;
 * - an agent message reads the hitl conversation in its 1st call (so its tags: is there an agent already?) and the
 *   session state in its 2nd.
 * And what it writes when: the session is active ≤ 5 calls after startHitl returned and ≤ 2 after it tagged the hitl
 * conversation `hitl#upstream` (in its 1st or 2nd call after the return, by version); after a hitlAssigned it stores
 * the agent (`hitl#humanAgentId`) in its 5th call (the state, the conversation, the session's configuration, the
 * agent user, then the writes side by side).
 *
 * L itself is measured per conversation. The plugin's link is the one write the integration can see: the hitl
 * conversation gets `hitl#upstream`, and its `updatedAt` says when (`pluginLinkedAt` keeps it, since later writes
 * move `updatedAt`). At least one whole call of the plugin lies between startHitl's return (`handedOverAt`, a
 * moment before it) and that write, so one call takes at most the gap, and the session is active by twice the gap
 * after the return (ACTIVE_CALL_PER_LINK_CALL). Until the link is seen, a call counts as BOT_API_CALL_MS — the
 * slowest the issue covers (Cloud's slow end) — and nothing the plugin might still do is assumed faster. Either way
 * CALL_MARGIN_MS is added (per call) for processing, clocks and the scheduler. Once the
 * plugin has an agent (`hitl#humanAgentId`) its session is active: nothing is held back for activation. The webhook
 * waits a little for these writes when that shortens the hold-back (webhook/wait-for-plugin.ts).
 *
 * Order matters too: the plugin makes the author of the first agent message "the agent" when no agent is stored yet,
 * so an operator's first message is due only once the plugin has stored that operator from hitlAssigned: written in
 * the event's 5th call and read in the message's 1st, so 5 − 1 + 1 (margin) = 5 calls after the event is due.
 * And hitlStopped comes after everything held back, or the plugin would drop it.
 */

/** The slowest bot→Botpress API round trip the hold-back covers (issue #13: up to 1 000 ms per call). */
export const BOT_API_CALL_MS = 1000
/** Added to a measured call: the plugin's own processing, the clocks of two machines, the event scheduler. */
export const CALL_MARGIN_MS = 50
/** Calls of the plugin between startHitl's return and the session being active (reference: 4–5). */
export const CALLS_RETURN_TO_ACTIVE = 5
/**
 * Calls of the plugin from startHitl's return to its write of `hitl#upstream`, at least: 1.3.x–1.4.x read the hitl
 * conversation first (2), other versions link in their first call (1).
 */
export const CALLS_RETURN_TO_LINK = 1
/** Calls of the plugin between tagging the hitl conversation `hitl#upstream` and activation (one or two). */
export const CALLS_TAG_TO_ACTIVE = 2
/**
 * In every version the call that activates is at most this many times the call that links (1st and 2nd; 2nd and
 * 3rd or 4th): since the k-th call is processed at return + k·L, the session is active by return + 2·(link − return),
 * whatever L is — a bound on the time itself, tighter than the link plus two calls of the measured L.
 */
export const ACTIVE_CALL_PER_LINK_CALL = 2
/** The call of the plugin's hitlAssigned / hitlStopped handler that reads the session state. */
export const EVENT_READS_SESSION_AT_CALL = 1
/** The call of the plugin's agent-message handler that reads the session state. */
export const MESSAGE_READS_SESSION_AT_CALL = 2
/** The call of the plugin's agent-message handler that reads the stored agent (the hitl conversation's tags). */
export const MESSAGE_READS_AGENT_AT_CALL = 1
/** The call of the plugin's hitlAssigned handler that stores the agent (`hitl#humanAgentId`). */
export const CALLS_ASSIGNED_TO_AGENT = 5
/** The read's own call (it may reach the API at its very start, all of its latency on the way back). */
export const MARGIN_CALLS = 1

/** How many calls' time something written in call `written` needs to be seen by a read in call `read`. */
const calls = (written: number, read: number) => Math.max(0, written - read + MARGIN_CALLS)

/** Calls, counted from the return: an operator message (4), an event (5). From the link: a message (1), an event (2). */
const MESSAGE = {
  afterReturn: calls(CALLS_RETURN_TO_ACTIVE, MESSAGE_READS_SESSION_AT_CALL),
  afterLink: calls(CALLS_TAG_TO_ACTIVE, MESSAGE_READS_SESSION_AT_CALL),
}
const EVENT = {
  afterReturn: calls(CALLS_RETURN_TO_ACTIVE, EVENT_READS_SESSION_AT_CALL),
  afterLink: calls(CALLS_TAG_TO_ACTIVE, EVENT_READS_SESSION_AT_CALL),
}
/** An operator's first message after the hitlAssigned that names them: 5 calls. */
const AGENT_SETTLE_CALLS = calls(CALLS_ASSIGNED_TO_AGENT, MESSAGE_READS_AGENT_AT_CALL)

/** A call of the plugin as counted while nothing is measured: the slowest covered, plus the margin. */
export const SLOWEST_CALL_MS = BOT_API_CALL_MS + CALL_MARGIN_MS
/** With nothing measured: an operator message after the return (4 calls), an event (5), a first message (5). */
export const HOLD_AFTER_RETURN_MS = MESSAGE.afterReturn * SLOWEST_CALL_MS
export const EVENT_HOLD_AFTER_RETURN_MS = EVENT.afterReturn * SLOWEST_CALL_MS
export const AGENT_SETTLE_MS = AGENT_SETTLE_CALLS * SLOWEST_CALL_MS

export type Tags = Record<string, string | undefined>
const epoch = (v: string | undefined) => {
  const n = Number(v ?? 0)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/**
 * What the hold-back reads of a conversation: its tags, with `pluginLinkedAt` taken from `updatedAt` the first time
 * the plugin's link is visible. `updatedAt` only moves forward, with every write: once the link is there it is never
 * earlier than the link, so the measure can only err on the slow side.
 */
export function observedTags(conversation: { tags: Tags; updatedAt?: string }): Tags {
  const { tags } = conversation
  if (!tags['hitl#upstream'] || epoch(tags.pluginLinkedAt)) return tags
  const updatedAt = Date.parse(conversation.updatedAt ?? '')
  return Number.isFinite(updatedAt) ? { ...tags, pluginLinkedAt: String(updatedAt) } : tags
}

/**
 * The time one of the plugin's calls takes on this conversation, at most: measured from the link once it is seen
 * (and was written after the hand-over), else the slowest call covered.
 */
export function callMsOf(tags: Tags): number {
  const handedOverAt = epoch(tags.handedOverAt)
  const linkedAt = epoch(tags.pluginLinkedAt)
  if (!handedOverAt || !linkedAt || linkedAt <= handedOverAt || !tags['hitl#upstream']) return SLOWEST_CALL_MS
  return Math.min(BOT_API_CALL_MS, Math.ceil((linkedAt - handedOverAt) / CALLS_RETURN_TO_LINK)) + CALL_MARGIN_MS
}

/** Between two things whose order matters (two assignments, the last message and the end). */
export const orderGapMs = (tags: Tags) => MARGIN_CALLS * callMsOf(tags)

type Hold = { afterReturn: number; afterLink: number }

/**
 * From when the plugin surely sees the session active, for an agent message (default) or an event; undefined while
 * startHitl has not returned.
 */
export function pluginReadyAt(tags: Tags, now = Date.now(), hold: Hold = MESSAGE): number | undefined {
  if (tags['hitl#humanAgentId']) return now
  const handedOverAt = epoch(tags.handedOverAt)
  if (!handedOverAt) return undefined
  const call = callMsOf(tags)
  const afterReturn = handedOverAt + hold.afterReturn * call
  if (!tags['hitl#upstream']) return afterReturn
  const linkedAt = epoch(tags.pluginLinkedAt)
  if (linkedAt && linkedAt > handedOverAt)
    return Math.min(afterReturn, handedOverAt + ACTIVE_CALL_PER_LINK_CALL * (linkedAt - handedOverAt) + CALL_MARGIN_MS)
  // Seen, but not when it was written: before now, and one or two calls before the activation.
  return Math.min(afterReturn, now + hold.afterLink * call)
}

/** The same for hitlAssigned / hitlStopped (they read the session one call earlier than a message). */
export const eventReadyAt = (tags: Tags, now = Date.now()) => pluginReadyAt(tags, now, EVENT)

/** The plugin's link comes in its 2nd call after the return at the latest (its versions, above). */
const CALLS_RETURN_TO_LINK_AT_MOST = 2

/**
 * While nothing of the plugin is seen, whether a wait for its link could still shorten the hold-back: not once the
 * hold-back is over anyway, nor once even the slowest plugin would have linked (then the consumer is not one that
 * links, or slower than covered: the slowest calls are counted).
 */
export function linkWorthWaitingFor(tags: Tags, now = Date.now()): boolean {
  if (tags['hitl#upstream'] || tags['hitl#humanAgentId']) return false
  const handedOverAt = epoch(tags.handedOverAt)
  if (!handedOverAt) return false
  const linkedBy = handedOverAt + (CALLS_RETURN_TO_LINK_AT_MOST + MARGIN_CALLS) * SLOWEST_CALL_MS
  return now < linkedBy && (eventReadyAt(tags, now) ?? Infinity) > now
}

/** hitlAssigned: once the plugin is ready, and after the previous assignment (a quick transfer keeps its order). */
export function assignmentDueAt(tags: Tags, now = Date.now()): number | undefined {
  const ready = eventReadyAt(tags, now)
  if (ready === undefined) return undefined
  const previous = epoch(tags.assignmentDueAt)
  return Math.max(now, ready, previous !== undefined ? previous + orderGapMs(tags) : 0)
}

/** An operator's message: once the plugin is ready and, unless it already stored this operator, after it could. */
export function operatorMessageDueAt(tags: Tags, operatorUserId: string, now = Date.now()): number | undefined {
  const ready = pluginReadyAt(tags, now)
  if (ready === undefined) return undefined
  const assignedDue = epoch(tags.assignmentDueAt)
  const settled =
    tags['hitl#humanAgentId'] === operatorUserId || assignedDue === undefined
      ? 0
      : assignedDue + AGENT_SETTLE_CALLS * callMsOf(tags)
  return Math.max(now, ready, settled)
}

/**
 * The latest moment anything may have been held back for, by any rule above with whatever was observed when it was
 * decided (nothing measured: the slowest call). While it is ahead, a relay checks the keys of held messages.
 */
export function holdBackEndsBy(tags: Tags): number {
  const handedOverAt = epoch(tags.handedOverAt) ?? 0
  const assignedDue = epoch(tags.assignmentDueAt)
  return Math.max(
    handedOverAt ? handedOverAt + EVENT_HOLD_AFTER_RETURN_MS : 0,
    assignedDue !== undefined ? assignedDue + AGENT_SETTLE_MS : 0
  )
}

/**
 * hitlStopped (and what precedes it): once the plugin is ready for events, after the latest held-back message
 * (`heldUntil`, as recorded when it was held, whatever rule timed it) and after the first message an operator could
 * still be held for, one order gap later.
 */
export function endDueAt(tags: Tags, now = Date.now(), heldUntil = 0): number {
  const assignedDue = epoch(tags.assignmentDueAt)
  const last = Math.max(
    // Not handed over yet (the end raced startHitl): the plugin is ready no earlier than it would be from now.
    eventReadyAt(tags, now) ?? now + EVENT_HOLD_AFTER_RETURN_MS,
    assignedDue !== undefined ? assignedDue + AGENT_SETTLE_CALLS * callMsOf(tags) : 0,
    heldUntil
  )
  return last > now ? last + orderGapMs(tags) : now
}

/** `schedule` for a Botpress create call, or nothing when it is due now. */
export const scheduleFor = (dueAt: number, now = Date.now()) =>
  dueAt > now ? { schedule: { delay: dueAt - now } } : {}
