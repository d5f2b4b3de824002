/**
 * When the HITL plugin will accept what the integration sends (reference/botpress.md §3).
 *
 * The plugin drops, for good, every hitlAssigned / hitlStopped / agent message on a hitl conversation whose session it
 * has not marked active yet, and it marks it active only ~4–5 of its own Botpress API calls after startHitl returned.
 * Its check of a delivery reads the session about two calls after the delivery. With L ms per bot→API call, what the
 * integration emits must therefore be due later than ≈ 3·L after startHitl returned. L is not observable, so the
 * bound covers L ≤ BOT_API_CALL_MS (Cloud's slow end) counted in calls, with one call of margin.
 *
 * What the integration can observe shortens the wait, through the tags the plugin writes on the hitl conversation
 * (visible to the integration on every lookup it makes anyway):
 * - `hitl#upstream`: the plugin links the conversations one or two calls before it activates them, so once the tag is
 *   seen, one call of margin is enough;
 * - `hitl#humanAgentId`: the plugin has an agent, so the session is active: nothing is held back.
 * The integration cannot wake itself up to look again, so the wait is decided when a delivery is handled.
 *
 * Order matters too: the plugin makes the author of the first agent message "the agent" when no agent is stored yet,
 * so an operator's first message is due only once the plugin has stored that operator from hitlAssigned (it does so
 * ~5 calls after the event). And hitlStopped comes after everything held back, or the plugin would drop it.
 */

/** The slowest bot→Botpress API round trip the hold-back covers (issue #13: up to 1 000 ms per call). */
export const BOT_API_CALL_MS = 1000
/** Calls of the plugin between startHitl's return and the session being active (reference: 4–5). */
export const CALLS_RETURN_TO_ACTIVE = 5
/** Calls of the plugin between tagging the hitl conversation `hitl#upstream` and activation (one or two). */
export const CALLS_TAG_TO_ACTIVE = 2
/** Calls of the plugin's check of a delivery before it reads the session (state, then tags). */
export const CALLS_BEFORE_CHECK = 2
/** Calls of the plugin between receiving hitlAssigned and storing the agent (`hitl#humanAgentId`). */
export const CALLS_ASSIGNED_TO_AGENT = 5
/** One more call than counted, for the plugin's own jitter. */
export const MARGIN_CALLS = 1

const calls = (n: number) => Math.max(0, n - CALLS_BEFORE_CHECK + MARGIN_CALLS) * BOT_API_CALL_MS

/** After startHitl returned, with nothing else observed: 4 000 ms. */
export const HOLD_AFTER_RETURN_MS = calls(CALLS_RETURN_TO_ACTIVE)
/** After `hitl#upstream` was seen on the hitl conversation: 1 000 ms. */
export const HOLD_AFTER_LINK_MS = calls(CALLS_TAG_TO_ACTIVE)
/** An operator's first message after the hitlAssigned that names them: 4 000 ms. */
export const AGENT_SETTLE_MS = calls(CALLS_ASSIGNED_TO_AGENT)
/** Between two things whose order matters (two assignments, the last message and the end). */
export const ORDER_GAP_MS = MARGIN_CALLS * BOT_API_CALL_MS

export type Tags = Record<string, string | undefined>
const epoch = (v: string | undefined) => {
  const n = Number(v ?? 0)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** From when the plugin surely has the session active; undefined while startHitl has not returned. */
export function pluginReadyAt(tags: Tags, now = Date.now()): number | undefined {
  if (tags['hitl#humanAgentId']) return now
  const handedOverAt = epoch(tags.handedOverAt)
  if (!handedOverAt) return undefined
  const afterReturn = handedOverAt + HOLD_AFTER_RETURN_MS
  return tags['hitl#upstream'] ? Math.min(afterReturn, now + HOLD_AFTER_LINK_MS) : afterReturn
}

/** hitlAssigned: once the plugin is ready, and after the previous assignment (a quick transfer keeps its order). */
export function assignmentDueAt(tags: Tags, now = Date.now()): number | undefined {
  const ready = pluginReadyAt(tags, now)
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
    handedOverAt + HOLD_AFTER_RETURN_MS,
    assignedDue !== undefined ? assignedDue + AGENT_SETTLE_MS : 0
  )
  return last > now ? last + ORDER_GAP_MS : now
}

/** `schedule` for a Botpress create call, or nothing when it is due now. */
export const scheduleFor = (dueAt: number, now = Date.now()) =>
  dueAt > now ? { schedule: { delay: dueAt - now } } : {}
