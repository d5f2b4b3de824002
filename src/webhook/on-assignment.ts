import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { parkAssignment } from '../hitl/parking'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation, type HitlConversation } from './find-conversation'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ auto-assigns ~100 ms after the chat opens, often before startHitl has mapped the chat or returned; the plugin
 * drops events that come that early. So until startHitl has handed the conversation over (`handedOverAt`), the
 * assignment is parked for startHitl to pick up; afterwards it is announced, due when the plugin accepts it.
 */
export async function onAssignment(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const operator = newOwner(delivery.entity, delivery.event)
  if (!operator) return 'no operator in the payload'
  const assignment = {
    operator: { id: operator.id, name: operator.name, email: operator.email },
    eventTime: delivery.eventTime,
  }

  const find = () => findHitlConversation(props.client, delivery.chatId, delivery.visitorChatId)
  let conversation = await find()
  if (!handedOver(conversation)) {
    await parkAssignment(props, delivery.chatId, assignment)
    // startHitl tags handedOverAt *before* it takes parked entries: if it did so between our lookup and our parking,
    // this second look sees the tag, so the assignment cannot fall between the two (the claim dedupes either way).
    conversation = await find()
    if (!handedOver(conversation)) return 'parked (startHitl has not handed the chat over yet, or it is not ours)'
  }
  const { outcome } = await announceAssignment(props, conversation, assignment)
  return `assignment: ${outcome}`
}

const handedOver = (c: HitlConversation | undefined): c is HitlConversation => Boolean(c?.tags.handedOverAt)
