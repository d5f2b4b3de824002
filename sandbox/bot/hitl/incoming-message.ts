import { assignAgent, lookAlikeUser } from './agent'
import { apiOf, isHitlActive, say, setHitlInactive, type Conversation, type Message, type Props } from './api'
import { flowOnHitlStopped, type HitlConfig } from './config'
import { ACTION, END_REASON, EVENT, HITL_INTEGRATION, TAG } from './names'
import { isCloseCommand, isSupportedType } from './rules'
import { retrieveSessionConfig } from './session-config'
import { FIXED_TEXTS, textToSend } from './texts'

/** The hook's answers: stop = the bot's own handlers never see the message. */
const STOP = { stop: true } as const
const LET_BOT_HANDLE = undefined

/**
 * Every incoming message passes here before the bot sees it. On a hitl conversation (the agent's side) the bot
 * never answers; while the session is not active what arrives there is dropped for good. On the user's side the
 * bot answers as usual unless a session is active; then the message goes to the agent (or ends the session).
 */
export async function beforeIncomingMessage(props: Props & { data: Message }) {
  const { conversation } = await apiOf(props).getConversation({ id: props.data.conversationId })
  return conversation.integration === HITL_INTEGRATION
    ? fromAgentSide(props, conversation)
    : fromUserSide(props, conversation)
}

async function fromAgentSide(props: Props & { data: Message }, downstream: Conversation) {
  const api = apiOf(props)
  const message = props.data
  if (!(await isHitlActive(api, downstream.id))) {
    props.logger.info(`dropped ${message.type} message ${message.id}: no active session on ${downstream.id}`)
    return STOP
  }
  const upstreamId = downstream.tags[TAG.upstream]
  if (!upstreamId) return abortSession(props, downstream.id)
  const config = await retrieveSessionConfig(props, upstreamId)
  if (!isSupportedType(message.type)) {
    await say(
      api,
      props.ctx.botId,
      downstream.id,
      textToSend(config.onIncompatibleMsgTypeMessage, 'onIncompatibleMsgTypeMessage')
    )
    return STOP
  }
  const { conversation: upstream } = await api.getConversation({ id: upstreamId })
  // No agent yet: whoever wrote first is the agent.
  if (!downstream.tags[TAG.humanAgentId])
    await assignAgent(props, { downstreamId: downstream.id, upstream, config }, message.userId)
  const author = await api
    .getUser({ id: message.userId })
    .then((r) => r.user)
    .catch(() => undefined)
  const lookAlike = author ? await lookAlikeUser(props, upstream, author, config) : undefined
  await api.createMessage({
    conversationId: upstream.id,
    userId: props.ctx.botId, // relayed as the bot
    type: message.type,
    payload: { ...message.payload, ...(lookAlike ? { userId: lookAlike } : {}) },
    tags: {},
  })
  return STOP
}

async function fromUserSide(props: Props & { data: Message }, upstream: Conversation) {
  const api = apiOf(props)
  const message = props.data
  if (!(await isHitlActive(api, upstream.id))) return LET_BOT_HANDLE
  const config = await retrieveSessionConfig(props, upstream.id)
  if (!isSupportedType(message.type)) {
    await say(api, props.ctx.botId, upstream.id, FIXED_TEXTS.userTypeNotSupported)
    return STOP
  }
  const { user } = await api.getUser({ id: message.userId })
  const downstreamId = upstream.tags[TAG.downstream]
  const downstreamUserId = user.tags[TAG.downstream]
  if (!downstreamId || !downstreamUserId) return abortSession(props, upstream.id)
  if (isCloseCommand(message.payload.text, config)) {
    await endByUser(props, { upstreamId: upstream.id, downstreamId, config })
    return STOP
  }
  await api.createMessage({
    conversationId: downstreamId,
    userId: props.ctx.botId,
    type: message.type,
    payload: { ...message.payload, userId: downstreamUserId }, // the real author, for the integration
    tags: {},
  })
  return STOP
}

/** A session whose link is missing cannot go on: say so where the message came from and end it there. */
async function abortSession(props: Props, conversationId: string) {
  const api = apiOf(props)
  props.logger.error(`HITL session of ${conversationId} is not linked to its other side; ending it`)
  await say(api, props.ctx.botId, conversationId, FIXED_TEXTS.sessionBroken)
  await setHitlInactive(api, conversationId, END_REASON.sessionBroken)
  return STOP
}

/**
 * The user leaves (close command) or nobody came in time (assignment timeout): the agent reads the plugin's
 * "ended" text, both sides become inactive, the integration's stopHitl closes the ticket, the user reads `farewell`.
 */
export async function endByUser(
  props: Props,
  session: { upstreamId: string; downstreamId: string; config: HitlConfig },
  farewell: 'onUserHitlCloseMessage' | 'onAgentAssignedTimeoutMessage' = 'onUserHitlCloseMessage'
) {
  const api = apiOf(props)
  const { upstreamId, downstreamId, config } = session
  const reason =
    farewell === 'onUserHitlCloseMessage' ? END_REASON.patientUsedTerminationCommand : END_REASON.agentAssignmentTimeout
  await say(
    api,
    props.ctx.botId,
    downstreamId,
    textToSend(config.onUserHitlCancelledMessage, 'onUserHitlCancelledMessage')
  )
  await Promise.allSettled([setHitlInactive(api, upstreamId, reason), setHitlInactive(api, downstreamId, reason)])
  await api.callAction({ type: ACTION.stopHitl, input: { conversationId: downstreamId } })
  await say(api, props.ctx.botId, upstreamId, textToSend(config[farewell], farewell))
  if (flowOnHitlStopped(config)) await continueWorkflow(props, upstreamId)
}

/** Tells the bot's flow to go on without waiting for the user's next message. */
export const continueWorkflow = (props: Props, upstreamId: string) =>
  apiOf(props).createEvent({
    type: EVENT.continueWorkflow,
    conversationId: upstreamId,
    payload: { conversationId: upstreamId },
  })
