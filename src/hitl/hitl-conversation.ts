import { isApiError, RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'

/** The hitl conversation and its SalesIQ chat id, or a RuntimeError naming what is missing. */
export async function getHitlConversation(client: bp.Client, conversationId: string) {
  let conversation
  try {
    ;({ conversation } = await client.getConversation({ id: conversationId }))
  } catch (err) {
    if (isApiError(err) && err.type === 'ResourceNotFound')
      throw new RuntimeError(`Conversation "${conversationId}" does not exist.`)
    throw err
  }
  const chatId = conversation.tags.chatId
  if (!chatId)
    throw new RuntimeError(
      `Conversation "${conversationId}" is not a SalesIQ chat opened by this integration (no chat id).`
    )
  return { conversation, chatId }
}
