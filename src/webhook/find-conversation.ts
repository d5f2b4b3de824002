import type * as bp from '.botpress'

export type HitlConversation = { id: string; tags: Record<string, string | undefined> }

/**
 * The hitl conversation this integration opened for a SalesIQ chat (tagged with its id by startHitl), or undefined
 * for any chat we did not open — those are acknowledged and left alone. The visitor-side hex id is a fallback.
 */
export async function findHitlConversation(
  client: bp.Client,
  chatId: string,
  visitorChatId?: string
): Promise<HitlConversation | undefined> {
  const byChat = await client.listConversations({ channel: 'hitl', tags: { chatId } })
  const found = byChat.conversations.find((c) => c.tags.chatId === chatId)
  if (found) return found
  if (!visitorChatId) return undefined
  const byVisitor = await client.listConversations({ channel: 'hitl', tags: { visitorChatId } })
  return byVisitor.conversations.find((c) => c.tags.visitorChatId === visitorChatId)
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
