import { isApiError, RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { toRuntimeError } from '../runtime/errors'
import { isZohoError } from '../zoho/errors'
import { announceAssignment } from './assignment'
import { realEmail } from './email'
import type { SalesIQClient } from '../zoho/salesiq'
import { MARKER_INTEGRATION, MARKER_USER } from '../webhook/orphan-chat'
import { assignedAlready } from './assigned-already'
import { leftToItsDelivery } from './early-assignment'
import { questionFrom, renderTranscript, sincePreviousSession, type HistoryMessage } from './transcript'

type Props = bp.ActionProps['startHitl']

/**
 * A read-back slower than this moves the hand-over tag to the real return: the hold-back counts from that tag, and
 * measures the plugin's calls against it (hold-back.ts), so a tag early by this much makes it wait ~this much longer.
 */
const SLOW_READ_BACK_MS = 100

/**
 * Opens a SalesIQ chat for *this* user, maps it to a new hitl conversation (tagged with the chat id), sends the bot
 * transcript, and hands over any assignment SalesIQ made while we were busy (read back from SalesIQ; delivered after
 * this action returns).
 */
export const startHitl = async (props: Props): Promise<{ conversationId: string }> => {
  const { client, input, logger } = props
  const user = await getEndUser(client, input.userId)
  const session = input.hitlSession ?? {}
  const name = user.name?.trim() || 'Visitor'
  const email = realEmail(session.email) ?? user.tags.email
  const { salesiq, config } = await escalation('connecting to Zoho SalesIQ', () => connect(props))

  const opened = await escalation('opening the SalesIQ chat', () =>
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

  const mappedAt = Date.now()
  await sendTranscript(props, salesiq, opened.chatId, input.messageHistory as HistoryMessage[], name)
  // The hand-over is tagged first and the chat's operator is read back from SalesIQ after: an assignment webhook
  // that gave up before the chat was mapped (and kept nothing, see on-assignment) reports an assignment made before
  // this read, so the read sees it; one that looks after the tag, or that waits for it (early-assignment.ts),
  // announces it itself (announced once either way). The hold-back counts from this tag (hold-back.ts); a slow read-back moves the tag
  // to the real return.
  try {
    const taggedAt = Date.now()
    ;({ conversation } = await client.updateConversation({
      id: conversation.id,
      tags: { handedOverAt: String(taggedAt) },
    }))
    const early = await assignedAlready(props, salesiq, opened.chatId)
    const leftToDelivery =
      early &&
      (await leftToItsDelivery(client, user.id, {
        chatId: opened.chatId,
        operatorId: early.operator.id,
        mappedAt,
        assignedAt: early.eventTime,
      }))
    if (early && !leftToDelivery) await announceAssignment(props, conversation, early, Date.now())
    if (Date.now() - taggedAt > SLOW_READ_BACK_MS)
      ({ conversation } = await client.updateConversation({
        id: conversation.id,
        tags: { handedOverAt: String(Date.now()) },
      }))
  } catch (err) {
    // The plugin gets an error and never activates this session: nobody could answer the chat, so it is closed.
    await salesiq.closeConversation(opened.chatId).catch(() => undefined)
    throw err
  }
  logger.forBot().info(`Opened SalesIQ chat ${opened.chatId} for user ${user.id} (conversation ${conversation.id})`)
  return { conversationId: conversation.id }
}

/**
 * A failed escalation reaches the bot's flow as the action's error (the plugin shows the visitor nothing after its
 * handoff text): the message says that nothing was opened, why, and what to do about it.
 */
async function escalation<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const cause = toRuntimeError(err, doing).message.replace(/\.?$/, '.')
    // A 5xx carrying an error body is still SalesIQ being down, whatever the body says.
    const kind = isZohoError(err) ? ((err.details.status ?? 0) >= 500 ? 'server' : err.kind) : undefined
    const next =
      kind === 'timeout'
        ? ' SalesIQ did not answer in time; a chat may have opened there without Botpress knowing. Try again later.'
        : kind === 'server' || kind === 'network' || kind === 'throttled'
          ? ' SalesIQ is unreachable or overloaded right now: no chat was opened. Try again later.'
          : kind || err instanceof RuntimeError
            ? ' No chat was opened: fix what the message names (integration configuration or hitlSession).'
            : ' No chat was opened.'
    throw new RuntimeError(`Escalation to SalesIQ failed while ${doing}: ${cause}${next}`)
  }
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
  const agentNames = await namesOfAgents(props.client, history ?? [])
  for (const chunk of renderTranscript(history ?? [], visitorName, agentNames)) {
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

/** The name of the agent the transcript mentions (the look-alike user the plugin relayed them with carries it). */
async function namesOfAgents(client: bp.Client, history: HistoryMessage[]): Promise<Record<string, string>> {
  const { previousAgent } = sincePreviousSession(history)
  if (!previousAgent) return {}
  const user = await client.getUser({ id: previousAgent }).then(
    (r) => r.user,
    () => undefined // the label falls back to "Agent"
  )
  return user?.name?.trim() ? { [previousAgent]: user.name.trim() } : {}
}
