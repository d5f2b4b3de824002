import type * as bp from '.botpress'
import { announceAssignment, assignmentDelayMs } from '../hitl/assignment'
import { parkAssignment } from '../hitl/parking'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ auto-assigns ~100 ms after the chat opens, often before startHitl has mapped it or returned; the plugin
 * drops events that come that early. So: unmapped chat → park the assignment for startHitl to pick up; chat mapped
 * moments ago → schedule the event a little later (assignmentDelayMs).
 */
export async function onAssignment(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const operator = newOwner(delivery.entity, delivery.event)
  if (!operator) return 'no operator in the payload'
  const assignment = {
    operator: { id: operator.id, name: operator.name, email: operator.email },
    eventTime: delivery.eventTime,
  }

  let conversation = await findHitlConversation(props.client, delivery.chatId, delivery.visitorChatId)
  if (!conversation) {
    await parkAssignment(props, delivery.chatId, assignment)
    // startHitl may have mapped the chat and looked for parked entries between our lookup and our parking:
    // look once more, so the assignment cannot fall between the two (announceAssignment dedupes either way).
    conversation = await findHitlConversation(props.client, delivery.chatId, delivery.visitorChatId)
    if (!conversation) return 'parked (chat not mapped yet, or not ours)'
  }
  if (delivery.event.includes('transfer') && conversation.tags.operatorId === operator.id) return 'same operator'
  const outcome = await announceAssignment(props, conversation, {
    ...assignment,
    delayMs: assignmentDelayMs(conversation.tags),
  })
  return `assignment ${outcome}`
}
