/**
 * When the HITL plugin will accept what the integration sends (reference/botpress.md §3).
 *
 * The plugin drops, for good, every hitlAssigned / hitlStopped / agent message on a hitl conversation whose session it
 * has not marked active yet, and it marks it active only ~4–5 of its own Botpress API calls after startHitl returned.
 * With L ms per bot→API call, something the plugin writes in its call `w` (counted from a moment T) is read by a
 * handler started at E in its call `r` once E + r·L > T + w·L: what the integration emits must be due later than
 * (w − r)·L after T. L is not observable, so the bounds cover L ≤ BOT_API_CALL_MS (Cloud's slow end), counted in
 * calls, with one call of margin. Which call reads what (the plugin's handlers, 1.3.x–1.4.x):
 * - an event (hitlAssigned, hitlStopped) reads the session state in its 1st call;
 * - an agent message reads the hitl conversation in its 1st call (so its tags: is there an agent already?) and the
 *   session state in its 2nd.
 * And what it writes when: the session is active ~5 calls after startHitl returned, ~2 after it tagged the hitl
 * conversation `hitl#upstream`; after a hitlAssigned it stores the agent (`hitl#humanAgentId`) in its 5th call (the
 * state, the conversation, the session's configuration, the agent user, then the writes side by side).
 *
 * What the integration can observe shortens the wait, through the tags the plugin writes on the hitl conversation
 * (visible to the integration on every lookup it makes anyway):
 * - `hitl#upstream`: the plugin links the conversations one or two calls before it activates them;
 * - `hitl#humanAgentId`: the plugin has an agent, so the session is active: nothing is held back.
 * The integration cannot wake itself up to look again, so the wait is decided when a delivery is handled.
 *
 * Order matters too: the plugin makes the author of the first agent message "the agent" when no agent is stored yet,
 * so an operator's first message is due only once the plugin has stored that operator from hitlAssigned: the agent is
 * written in the event's 5th call and read in the message's 1st, so 5 − 1 + 1 (margin) = 5 calls after the event is
 * due (the old 4 calls counted the message's read as its 2nd call, which is the state's, and so left no margin; the
 * sandbox's bot then made one read more than the plugin before the write and lost the race at 1 000 ms per call;
 * with the bot in the plugin's order, 4 s still loses that e2e story, 5 s passes it).
 * And hitlStopped comes after everything held back, or the plugin would drop it.
 */

/** The slowest bot→Botpress API round trip the hold-back covers (issue #13: up to 1 000 ms per call). */
export const BOT_API_CALL_MS = 1000
/** Calls of the plugin between startHitl's return and the session being active (reference: 4–5). */
export const CALLS_RETURN_TO_ACTIVE = 5
/** Calls of the plugin between tagging the hitl conversation `hitl#upstream` and activation (one or two). */
export const CALLS_TAG_TO_ACTIVE = 2
/** The call of the plugin's hitlAssigned / hitlStopped handler that reads the session state. */
export const EVENT_READS_SESSION_AT_CALL = 1
/** The call of the plugin's agent-message handler that reads the session state. */
export const MESSAGE_READS_SESSION_AT_CALL = 2
/** The call of the plugin's agent-message handler that reads the stored agent (the hitl conversation's tags). */
export const MESSAGE_READS_AGENT_AT_CALL = 1
/** The call of the plugin's hitlAssigned handler that stores the agent (`hitl#humanAgentId`). */
export const CALLS_ASSIGNED_TO_AGENT = 5
/** One more call than counted, for the plugin's own jitter. */
export const MARGIN_CALLS = 1

/** The wait for something written in call `written` to be seen by a read in call `read` of a later handler. */
const calls = (written: number, read: number) => Math.max(0, written - read + MARGIN_CALLS) * BOT_API_CALL_MS

/** An operator message after startHitl returned, with nothing else observed: 4 000 ms. */
export const HOLD_AFTER_RETURN_MS = calls(CALLS_RETURN_TO_ACTIVE, MESSAGE_READS_SESSION_AT_CALL)
/** An operator message after `hitl#upstream` was seen on the hitl conversation: 1 000 ms. */
export const HOLD_AFTER_LINK_MS = calls(CALLS_TAG_TO_ACTIVE, MESSAGE_READS_SESSION_AT_CALL)
/** hitlAssigned / hitlStopped after startHitl returned: 5 000 ms. */
export const EVENT_HOLD_AFTER_RETURN_MS = calls(CALLS_RETURN_TO_ACTIVE, EVENT_READS_SESSION_AT_CALL)
/** hitlAssigned / hitlStopped after `hitl#upstream` was seen: 2 000 ms. */
export const EVENT_HOLD_AFTER_LINK_MS = calls(CALLS_TAG_TO_ACTIVE, EVENT_READS_SESSION_AT_CALL)
/** An operator's first message after the hitlAssigned that names them: 5 000 ms. */
export const AGENT_SETTLE_MS = calls(CALLS_ASSIGNED_TO_AGENT, MESSAGE_READS_AGENT_AT_CALL)
/** Between two things whose order matters (two assignments, the last message and the end). */
export const ORDER_GAP_MS = MARGIN_CALLS * BOT_API_CALL_MS

export type Tags = Record<string, string | undefined>
const epoch = (v: string | undefined) => {
  const n = Number(v ?? 0)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

const FOR_MESSAGES = { afterReturn: HOLD_AFTER_RETURN_MS, afterLink: HOLD_AFTER_LINK_MS }
const FOR_EVENTS = { afterReturn: EVENT_HOLD_AFTER_RETURN_MS, afterLink: EVENT_HOLD_AFTER_LINK_MS }

/**
 * From when the plugin surely sees the session active, for an agent message (default) or an event; undefined while
 * startHitl has not returned.
 */
export function pluginReadyAt(tags: Tags, now = Date.now(), hold = FOR_MESSAGES): number | undefined {
  if (tags['hitl#humanAgentId']) return now
  const handedOverAt = epoch(tags.handedOverAt)
  if (!handedOverAt) return undefined
  const afterReturn = handedOverAt + hold.afterReturn
  return tags['hitl#upstream'] ? Math.min(afterReturn, now + hold.afterLink) : afterReturn
}

/** hitlAssigned: once the plugin is ready, and after the previous assignment (a quick transfer keeps its order). */
export function assignmentDueAt(tags: Tags, now = Date.now()): number | undefined {
  const ready = pluginReadyAt(tags, now, FOR_EVENTS)
  if (ready === undefined) return undefined
  const previous = epoch(tags.assignmentDueAt)
  return Math.max(now, ready, previous !== undefined ? previous + ORDER_GAP_MS : 0)
}

/** An operator's message: once the plugin is ready and, unless it already stored this operator, after it could. */
export function operatorMessageDueAt(tags: Tags, operatorUserId: string, now = Date.now()): number | undefined {
  const ready = pluginReadyAt(tags, now)
  if (ready === undefined) return undefined
  const assignedDue = epoch(tags.assignmentDueAt)
  const settled =
    tags['hitl#humanAgentId'] === operatorUserId || assignedDue === undefined ? 0 : assignedDue + AGENT_SETTLE_MS
  return Math.max(now, ready, settled)
}

/**
 * hitlStopped (and what precedes it): after anything the rules above may have held back, whatever was observed
 * then — so the bound ignores the shortcuts.
 */
export function endDueAt(tags: Tags, now = Date.now()): number {
  const handedOverAt = epoch(tags.handedOverAt) ?? now
  const assignedDue = epoch(tags.assignmentDueAt)
  const last = Math.max(
    handedOverAt + EVENT_HOLD_AFTER_RETURN_MS,
    assignedDue !== undefined ? assignedDue + AGENT_SETTLE_MS : 0
  )
  return last > now ? last + ORDER_GAP_MS : now
}

/** `schedule` for a Botpress create call, or nothing when it is due now. */
export const scheduleFor = (dueAt: number, now = Date.now()) =>
  dueAt > now ? { schedule: { delay: dueAt - now } } : {}
