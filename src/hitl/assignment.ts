import type * as bp from '.botpress'
import { withConversationLock } from '../state/conversation-lock'
import { assignmentDueAt, observedTags, scheduleFor } from './hold-back'
import { operatorUserId, type Operator } from './operators'

export type Assignment = { operator: Operator; eventTime: number }
type Conversation = { id: string; tags: Record<string, string | undefined> }
export type Announced = {
  outcome: 'announced' | 'same operator' | 'stale'
  /** The conversation's tags after the decision (fresh when the lock was taken). */
  tags: Record<string, string | undefined>
}

/**
 * Tells the plugin who the agent is (`hitlAssigned`), once per real change of operator: the plugin announces "joined"
 * for every hitlAssigned it gets. So the operator already assigned is never announced again — SalesIQ reports one
 * transfer twice (`transfer.accepted` and `attender.updated`, ~1 ms apart) and redelivers — and an assignment older
 * than the one announced (out-of-order redelivery) changes nothing. The check and the announcement are one step under
 * the conversation lock, on fresh tags, so two instances handling such deliveries at once announce once. The event is
 * due when the plugin will accept it (hold-back.ts); the caller makes sure startHitl has returned (`handedOverAt`).
 */
export async function announceAssignment(
  props: bp.CommonHandlerProps,
  conversation: Conversation,
  assignment: Assignment,
  /** startHitl, about to return: the hold-back counts from now rather than from its hand-over tag. */
  returningAt?: number
): Promise<Announced> {
  const { client } = props
  const { operator, eventTime } = assignment
  // Most redeliveries and the second report of a transfer stop here, without taking the lock.
  if (conversation.tags.operatorId === operator.id) return { outcome: 'same operator', tags: conversation.tags }

  const announced = await withConversationLock(client, conversation.id, async (): Promise<Announced> => {
    const fresh = (await client.getConversation({ id: conversation.id })).conversation
    const tags = observedTags(fresh)
    if (tags.operatorId === operator.id) return { outcome: 'same operator', tags }
    if (eventTime < Number(tags.assignedAt ?? 0)) return { outcome: 'stale', tags }
    const userId = await operatorUserId(props, operator)
    const now = Date.now()
    const handedOverAt = String(Math.max(Number(tags.handedOverAt ?? 0), returningAt ?? 0) || '')
    const dueAt = assignmentDueAt({ ...tags, handedOverAt }, now) ?? now
    await client.createEvent({
      type: 'hitlAssigned',
      payload: { conversationId: conversation.id, userId },
      conversationId: conversation.id,
      ...scheduleFor(dueAt, now),
    })
    const update = {
      operatorId: operator.id,
      assignedAt: String(eventTime),
      assignmentDueAt: String(dueAt),
      // Kept before this write moves updatedAt: later deliveries time themselves by the same measure.
      ...(tags.pluginLinkedAt && !fresh.tags.pluginLinkedAt ? { pluginLinkedAt: tags.pluginLinkedAt } : {}),
    }
    await client.updateConversation({ id: conversation.id, tags: update })
    return { outcome: 'announced', tags: { ...tags, ...update } }
  })
  if (announced.outcome === 'announced')
    props.logger
      .forBot()
      .info(`SalesIQ operator "${operator.name ?? operator.id}" took conversation ${conversation.id}`)
  return announced
}
