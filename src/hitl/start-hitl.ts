import { isApiError, RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { asRuntimeErrors } from '../runtime/errors'
import { announceAssignment, EARLY_ASSIGNMENT_DELAY_MS } from './assignment'
import { realEmail } from './email'
import type { SalesIQClient } from '../zoho/salesiq'
import { MARKER_INTEGRATION, MARKER_USER } from '../webhook/orphan-chat'
import { assignedAlready } from './assigned-already'
import { questionFrom, renderTranscript, type HistoryMessage } from './transcript'

type Props = bp.ActionProps['startHitl']

/**
 * Opens a SalesIQ chat for *this* user, maps it to a new hitl conversation (tagged with the chat id), sends the bot
 * transcript, and hands over any assignment SalesIQ made while we were busy (delivered after this action returns).
 */
export const startHitl = async (props: Props): Promise<{ conversationId: string }> => {
  const { client, input, logger } = props
  const user = await getEndUser(client, input.userId)
  const session = input.hitlSession ?? {}
  const name = user.name?.trim() || 'Visitor'
  const email = realEmail(session.email) ?? user.tags.email
  const { salesiq, config } = await asRuntimeErrors('connecting to Zoho SalesIQ', () => connect(props))

  const opened = await asRuntimeErrors('opening the SalesIQ chat', () =>
    salesiq.openConversation({
      appId: config.appId,
      departmentId: session.departmentId?.trim() || config.departmentId,
      question: questionFrom(input.title, input.description, name),
      visitor: {
        user_id: user.tags.visitorId || `botpress-${user.id}`,
        name,
        ...(email ? { email } : {}),
        ...(session.phone ? { phone: session.phone } : {}),
      },
      // Also what identifies a chat whose startHitl dies before mapping it (webhook/orphan-chat.ts).
      customerInfo: { ...session.customerInfo, [MARKER_USER]: user.id, [MARKER_INTEGRATION]: props.ctx.integrationId },
      customWaitTimeSec: config.waitTimeSeconds,
    })
  )

  let conversation: { id: string; tags: Record<string, string | undefined> }
  try {
    ;({ conversation } = await client.getOrCreateConversation({
      channel: 'hitl',
      tags: {
        chatId: opened.chatId,
        ...(opened.visitorChatId ? { visitorChatId: opened.visitorChatId } : {}),
        userId: user.id,
        openedAt: String(Date.now()),
      },
      discriminateByTags: ['chatId'],
    }))
  } catch (err) {
    // No half-open escalation: a chat nobody can answer through Botpress is closed again.
    await salesiq.closeConversation(opened.chatId).catch(() => undefined)
    throw err
  }

  const early = await assignedAlready(props, salesiq, opened.chatId)
  if (early) await announceAssignment(props, conversation, { ...early, delayMs: EARLY_ASSIGNMENT_DELAY_MS })

  await sendTranscript(props, salesiq, opened.chatId, input.messageHistory as HistoryMessage[], name)
  // From now on the plugin knows the conversation: assignments need only a short settling delay (see on-assignment).
  await client.updateConversation({ id: conversation.id, tags: { handedOverAt: String(Date.now()) } })
  logger.forBot().info(`Opened SalesIQ chat ${opened.chatId} for user ${user.id} (conversation ${conversation.id})`)
  return { conversationId: conversation.id }
}

async function getEndUser(client: bp.Client, userId: string) {
  try {
    return (await client.getUser({ id: userId })).user
  } catch (err) {
    if (isApiError(err) && err.type === 'ResourceNotFound')
      throw new RuntimeError(`startHitl: user "${userId}" does not exist; call createUser first and pass its userId.`)
    throw err
  }
}

/** The operator reads the bot conversation first. A chat is open either way, so a failure here is reported, not fatal. */
async function sendTranscript(
  props: Props,
  salesiq: SalesIQClient,
  chatId: string,
  history: HistoryMessage[],
  visitorName: string
) {
  for (const chunk of renderTranscript(history ?? [], visitorName)) {
    try {
      await salesiq.sendVisitorText(chatId, chunk)
    } catch (err) {
      props.logger
        .forBot()
        .warn(`The bot transcript could not be sent to SalesIQ chat ${chatId}: ${(err as Error).message}`)
      return
    }
  }
}
