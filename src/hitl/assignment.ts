import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'
import { operatorUserId, type Operator } from './operators'

/** The HITL plugin drops events that arrive before startHitl returned: such assignments are delivered this late. */
export const EARLY_ASSIGNMENT_DELAY_MS = 2500
/** After startHitl returned, the plugin needs a moment to mark the session active. */
export const HANDOVER_SETTLE_MS = 1000

/**
 * How long to hold back `hitlAssigned` for this conversation: the full early delay while startHitl has not returned
 * yet (no `handedOverAt`), the rest of the settling moment just after it did, nothing later.
 */
export function assignmentDelayMs(tags: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const handedOverAt = Number(tags.handedOverAt ?? 0)
  if (!handedOverAt) return EARLY_ASSIGNMENT_DELAY_MS
  const wait = handedOverAt + HANDOVER_SETTLE_MS - now
  return wait > 0 ? wait : undefined
}
const CLAIM_TTL_MS = 60_000

export type Assignment = { operator: Operator; eventTime: number; delayMs?: number }
type Conversation = { id: string; tags: Record<string, string | undefined> }

/**
 * Tells the plugin who the agent is (`hitlAssigned`), exactly once per SalesIQ assignment even when two instances
 * handle the same delivery: a conversation-state claim (getOrSetState is atomic) picks one of them. An assignment
 * older than the one already announced (out-of-order redelivery) changes nothing.
 */
export async function announceAssignment(
  props: bp.CommonHandlerProps,
  conversation: Conversation,
  assignment: Assignment
): Promise<'announced' | 'duplicate' | 'stale'> {
  const { client } = props
  const { operator, eventTime } = assignment
  const assignedAt = Number(conversation.tags.assignedAt ?? 0)
  if (eventTime < assignedAt) return 'stale'
  if (eventTime === assignedAt && conversation.tags.operatorId === operator.id) return 'duplicate'

  const key = `${operator.id}@${eventTime}`
  const nonce = randomUUID()
  const ref = { type: 'conversation', id: conversation.id, name: 'assignmentClaim' } as const
  const { state } = await client.getOrSetState({ ...ref, payload: { key, nonce }, expiry: CLAIM_TTL_MS })
  if (state.payload.key === key && state.payload.nonce !== nonce) return 'duplicate'
  if (state.payload.key !== key) {
    // A claim of an earlier assignment is still alive (a quick transfer): only a newer one replaces it.
    const [claimedOperator, claimedTime] = state.payload.key.split('@')
    if (Number(claimedTime) >= eventTime) return 'stale'
    // The same operator seen twice (startHitl's read-back and the delivery, whose times differ): one announcement.
    if (claimedOperator === operator.id) return 'duplicate'
    await client.setState({ ...ref, payload: { key, nonce }, expiry: CLAIM_TTL_MS })
  }

  const userId = await operatorUserId(props, operator)
  await client.updateConversation({
    id: conversation.id,
    tags: { operatorId: operator.id, assignedAt: String(eventTime) },
  })
  await client.createEvent({
    type: 'hitlAssigned',
    payload: { conversationId: conversation.id, userId },
    conversationId: conversation.id,
    ...(assignment.delayMs ? { schedule: { delay: assignment.delayMs } } : {}),
  })
  props.logger.forBot().info(`SalesIQ operator "${operator.name ?? operator.id}" took conversation ${conversation.id}`)
  return 'announced'
}
