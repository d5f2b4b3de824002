import type * as bp from '.botpress'
import { observedTags } from '../hitl/hold-back'
import type { Delivery } from '../zoho/webhook-payload'
import { lookAgainLater } from './look-again'
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
  delivery: Pick<Delivery, 'chatId' | 'entity'>,
  /** Runs once, before waiting, when the chat is ours and startHitl is mapping it for this Botpress user. */
  whileOpening?: (userId: string) => Promise<void>
): Promise<HitlConversation | undefined> {
  const { chatId } = delivery
  if (isKnownForeign(chatId)) return undefined
  const found = await lookUp(props.client, chatId)
  if (found) return found
  const opening = await settleUnmappedChat(props, delivery)
  if (!opening) return undefined
  // Ours, and startHitl is mapping it right now (SalesIQ can report the chat's first assignment within
  // milliseconds of opening it): worth a short wait rather than leaving it to startHitl's read-back.
  await whileOpening?.(opening.openingFor)
  const deadline = Date.now() + MAPPING_WAIT_MS
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    await lookAgainLater(attempt)
    const mapped = await lookUp(props.client, chatId)
    if (mapped) return mapped
  }
  return undefined
}

/** startHitl maps a chat with one Botpress call right after SalesIQ opened it. */
const MAPPING_WAIT_MS = 1000

async function lookUp(client: bp.Client, chatId: string): Promise<HitlConversation | undefined> {
  const byChat = await client.listConversations({ channel: 'hitl', tags: { chatId } })
  const found = byChat.conversations.find((c) => c.tags.chatId === chatId)
  return found && { ...found, tags: observedTags(found) }
}
