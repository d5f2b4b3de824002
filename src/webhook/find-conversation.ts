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
