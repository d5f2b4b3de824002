import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { claimEarlyAssignment } from '../hitl/early-assignment'
import { linkWorthWaitingFor } from '../hitl/hold-back'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'
import { DELIVERY_WAIT_MS, waitForHandover, waitForPluginLink } from './wait-for-plugin'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ may assign the moment the chat opens, before startHitl has mapped the chat or returned; the plugin drops
 * events that come that early, and the wait it needs is known only once it has linked the conversation (hold-back.ts).
 * - Not mapped: a foreign chat keeps nothing (it must cost nothing). A chat of ours that startHitl is mapping right
 *   now is waited for.
 * - Before the plugin's link: startHitl tags the hand-over (`handedOverAt`) and then reads the chat's operator back
 *   from SalesIQ (assigned-already.ts), so it may see this assignment too; this delivery says it is waiting
 *   (early-assignment.ts), and startHitl leaves the announcement to it. One that gave up on the mapping, or that
 *   said so too late, leaves it to startHitl.
 * - It waits (briefly) for the hand-over and the plugin's link, then announces, due when the plugin accepts it.
 * Both startHitl and a delivery may see the same operator: announced once.
 */
export async function onAssignment(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const started = Date.now()
  const operator = newOwner(delivery.entity, delivery.event)
  if (!operator) return 'no operator in the payload'
  const assignment = {
    operator: { id: operator.id, name: operator.name, email: operator.email },
    eventTime: delivery.eventTime,
  }
  const claim = (userId: string) => claimEarlyAssignment(props.client, userId, delivery.chatId, operator.id)

  let claimed = false
  let conversation = await findHitlConversation(props, delivery, async (userId) => {
    await claim(userId)
    claimed = true
  })
  if (!conversation) return 'chat not mapped (not ours, or startHitl reads the assignment back)'
  // Not linked by the plugin yet: startHitl may still be about to read the assignment back.
  const early = !conversation.tags.handedOverAt || linkWorthWaitingFor(conversation.tags)
  if (early && !claimed && conversation.tags.userId) await claim(conversation.tags.userId)
  conversation = await waitForHandover(props.client, conversation)
  conversation = await waitForPluginLink(props.client, conversation, started + DELIVERY_WAIT_MS)
  const { outcome } = await announceAssignment(props, conversation, assignment)
  return `assignment: ${outcome}`
}
