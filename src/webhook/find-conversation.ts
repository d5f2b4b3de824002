import type * as bp from '.botpress'
import { observedTags } from '../hitl/hold-back'
import type { Delivery } from '../zoho/webhook-payload'
import { isKnownForeign, settleUnmappedChat } from './orphan-chat'

/** Its tags as the hold-back reads them (hold-back.ts `observedTags`). */
export type HitlConversation = { id: string; updatedAt?: string; tags: Record<string, string | undefined> }

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
  if (found) return { ...found, tags: observedTags(found) }
  await settleUnmappedChat(props, delivery)
  return undefined
}
