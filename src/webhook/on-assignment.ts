import type * as bp from '.botpress'
import { announceAssignment, assignmentDelayMs } from '../hitl/assignment'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ auto-assigns ~100 ms after the chat opens, often before startHitl has mapped it or returned; the plugin
 * drops events that come that early. So: chat mapped moments ago → schedule the event a little later
 * (assignmentDelayMs); chat not mapped yet → nothing is kept here (a foreign chat must cost nothing): startHitl reads
 * the chat's operator back from SalesIQ once it has mapped it, so an assignment made before that is not lost.
 */
export async function onAssignment(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const operator = newOwner(delivery.entity, delivery.event)
  if (!operator) return 'no operator in the payload'
  const conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not mapped (not ours, or startHitl reads the assignment back)'
  if (delivery.event.includes('transfer') && conversation.tags.operatorId === operator.id) return 'same operator'
  const outcome = await announceAssignment(props, conversation, {
    operator: { id: operator.id, name: operator.name, email: operator.email },
    eventTime: delivery.eventTime,
    delayMs: assignmentDelayMs(conversation.tags),
  })
  return `assignment ${outcome}`
}
