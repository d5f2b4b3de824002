import type * as bp from '.botpress'
import { DEFAULT_CHAT_ENDED_MESSAGE, DEFAULT_MISSED_CHAT_MESSAGE } from '../definitions/configuration'
import { claimEnd } from '../hitl/end'
import { systemUserId } from '../hitl/operators'
import type { Delivery } from '../zoho/webhook-payload'
import { catchUpOperatorReplies } from './catch-up-replies'
import { findHitlConversation } from './find-conversation'

/**
 * `completed` (the operator or SalesIQ ended the chat) and `missed` (nobody picked it up): the user gets a notice
 * from the "Zoho SalesIQ" system user — never from an operator — and then the plugin gets `hitlStopped`, which hands
 * the user back to the bot. Whoever ends the session first (stopHitl, completed, missed) wins; the others, and every
 * redelivery, do nothing.
 */
export async function onEnd(
  props: bp.CommonHandlerProps,
  delivery: Delivery,
  by: 'completed' | 'missed'
): Promise<string> {
  const conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not opened by this integration'
  const claim = await claimEnd(props.client, conversation.id, by)
  if (!claim.won) return 'already ended'
  if (by === 'completed') await catchUpOperatorReplies(props, delivery)

  const config = props.ctx.configuration
  // Defaults apply when the field was never saved; an empty text means "send nothing".
  const notice = (
    by === 'missed'
      ? (config.missedChatMessage ?? DEFAULT_MISSED_CHAT_MESSAGE)
      : (config.chatEndedMessage ?? DEFAULT_CHAT_ENDED_MESSAGE)
  ).trim()
  if (notice) {
    await props.client.getOrCreateMessage({
      type: 'text',
      payload: { text: notice },
      userId: await systemUserId(props.client),
      conversationId: conversation.id,
      tags: { zohoEventKey: `${by}:${delivery.chatId}` },
      discriminateByTags: ['zohoEventKey'],
    })
  }
  await props.client.createEvent({
    type: 'hitlStopped',
    payload: { conversationId: conversation.id },
    conversationId: conversation.id,
  })
  await claim.finish()
  props.logger
    .forBot()
    .info(
      `SalesIQ chat ${delivery.chatId} ${by === 'missed' ? 'was missed' : 'ended'}: conversation ${conversation.id} handed back to the bot`
    )
  return by
}
