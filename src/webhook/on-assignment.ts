import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ auto-assigns ~100 ms after the chat opens, often before startHitl has mapped the chat or returned; the plugin
 * drops events that come that early. Until startHitl has handed the conversation over (`handedOverAt`), nothing is
 * kept here (a foreign chat, which has no conversation, must cost nothing): startHitl tags the hand-over first and
 * then reads the chat's operator back from SalesIQ (assigned-already.ts). A delivery that looked before the tag was
 * made reports an assignment made before that read-back, so the read-back sees it; a delivery that looks after the
 * tag announces it here, due when the plugin accepts it. Both may see the same operator: announced once.
 */
export async function onAssignment(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const operator = newOwner(delivery.entity, delivery.event)
  if (!operator) return 'no operator in the payload'
  const assignment = {
    operator: { id: operator.id, name: operator.name, email: operator.email },
    eventTime: delivery.eventTime,
  }

  const conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not mapped (not ours, or startHitl reads the assignment back)'
  if (!conversation.tags.handedOverAt) return 'not handed over yet (startHitl reads the assignment back after its tag)'
  const { outcome } = await announceAssignment(props, conversation, assignment)
  return `assignment: ${outcome}`
}
