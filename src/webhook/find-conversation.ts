import type * as bp from '.botpress'
import type { Delivery } from '../zoho/webhook-payload'
import { isKnownForeign, settleUnmappedChat } from './orphan-chat'

export type HitlConversation = { id: string; tags: Record<string, string | undefined> }

/**
 * The hitl conversation this integration opened for the delivery's SalesIQ chat (tagged with its id by startHitl),
 * or undefined for any chat we did not open — those are acknowledged and left alone. Only the delivery's own chat id
 * counts: a visitor-side hex id elsewhere in the payload never picks a conversation (it could name another chat).
 * SalesIQ sends the app's webhooks for every chat of the app, website chats included; in a busy portal most
 * deliveries are foreign. So a foreign delivery costs at most this one Botpress call, and none once the chat is
 * known to be foreign (orphan-chat.ts).
 */
export async function findHitlConversation(
  props: bp.CommonHandlerProps,
  delivery: Pick<Delivery, 'chatId' | 'entity'>
): Promise<HitlConversation | undefined> {
  const { chatId } = delivery
  if (isKnownForeign(chatId)) return undefined
  const byChat = await props.client.listConversations({ channel: 'hitl', tags: { chatId } })
  const found = byChat.conversations.find((c) => c.tags.chatId === chatId)
  if (found) return found
  await settleUnmappedChat(props, delivery)
  return undefined
}

/** SalesIQ allows 5 s per delivery: what is left after this wait is enough for the rest of the work. */
export const HANDOVER_WAIT_MS = 2500
const HANDOVER_POLL_MS = 200

/**
 * The conversation once startHitl has handed it over (`handedOverAt`), looking again for at most HANDOVER_WAIT_MS —
 * startHitl is then only sending the transcript. Still not handed over: an error, so the webhook answers 5xx and
 * SalesIQ redelivers later, when the message can be timed (nothing is lost).
 */
export async function waitForHandover(client: bp.Client, conversation: HitlConversation): Promise<HitlConversation> {
  const deadline = Date.now() + HANDOVER_WAIT_MS
  let current = conversation
  while (!current.tags.handedOverAt) {
    if (Date.now() > deadline)
      throw new Error(`conversation ${conversation.id} is not handed over to the bot yet (startHitl still running)`)
    await new Promise((resolve) => setTimeout(resolve, HANDOVER_POLL_MS))
    ;({ conversation: current } = await client.getConversation({ id: conversation.id }))
  }
  return current
}
