import type * as bp from '.botpress'
import { withConversationLock } from '../state/conversation-lock'
import { assignmentDueAt, scheduleFor } from './hold-back'
import { operatorUserId, type Operator } from './operators'

export type Assignment = { operator: Operator; eventTime: number }
type Conversation = { id: string; tags: Record<string, string | undefined> }
export type Announced = { outcome: 'announced'; dueAt: number } | { outcome: 'same operator' | 'stale' }

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
  assignment: Assignment
): Promise<Announced> {
  const { client } = props
  const { operator, eventTime } = assignment
  // Most redeliveries and the second report of a transfer stop here, without taking the lock.
  if (conversation.tags.operatorId === operator.id) return { outcome: 'same operator' }

  const announced = await withConversationLock(client, conversation.id, async (): Promise<Announced> => {
    const { tags } = (await client.getConversation({ id: conversation.id })).conversation
    if (tags.operatorId === operator.id) return { outcome: 'same operator' }
    if (eventTime < Number(tags.assignedAt ?? 0)) return { outcome: 'stale' }
    const userId = await operatorUserId(props, operator)
    const now = Date.now()
    const dueAt = assignmentDueAt(tags, now) ?? now
    await client.createEvent({
      type: 'hitlAssigned',
      payload: { conversationId: conversation.id, userId },
      conversationId: conversation.id,
      ...scheduleFor(dueAt, now),
    })
    await client.updateConversation({
      id: conversation.id,
      tags: { operatorId: operator.id, assignedAt: String(eventTime), assignmentDueAt: String(dueAt) },
    })
    return { outcome: 'announced', dueAt }
  })
  if (announced.outcome === 'announced')
    props.logger
      .forBot()
      .info(`SalesIQ operator "${operator.name ?? operator.id}" took conversation ${conversation.id}`)
  return announced
}
