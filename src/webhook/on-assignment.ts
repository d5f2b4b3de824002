import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'
import { DELIVERY_WAIT_MS, waitForHandover, waitForPluginLink } from './wait-for-plugin'

/**
 * `attender.updated` and `transfer.accepted`: the chat's (new) operator becomes the agent (`hitlAssigned`).
 * SalesIQ may assign the moment the chat opens, before startHitl has mapped the chat or returned; the plugin drops
 * events that come that early, and the wait it needs is known only once it has linked the conversation (hold-back.ts).
 * - Not mapped yet: nothing is kept here (a foreign chat, which has no conversation, must cost nothing). startHitl
 *   tags the hand-over first and then reads the chat's operator back from SalesIQ (assigned-already.ts): this
 *   delivery reports an assignment made before that read-back, so the read-back sees it.
 * - Mapped, not handed over: this delivery says so on the conversation (`earlyAssignment`), so startHitl's read-back
 *   leaves the announcement to it, and waits for the hand-over.
 * - Handed over: it waits (briefly) for the plugin's link, then announces, due when the plugin accepts it.
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

  let conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not mapped (not ours, or startHitl reads the assignment back)'
  if (!conversation.tags.handedOverAt) {
    const { conversation: claimed } = await props.client.updateConversation({
      id: conversation.id,
      tags: { earlyAssignment: `${operator.id}@${Date.now()}` },
    })
    conversation = await waitForHandover(props.client, claimed)
  }
  conversation = await waitForPluginLink(props.client, conversation, started + DELIVERY_WAIT_MS)
  const { outcome } = await announceAssignment(props, conversation, assignment)
  return `assignment: ${outcome}`
}
