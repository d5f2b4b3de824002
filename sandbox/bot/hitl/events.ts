import { assignAgent } from './agent'
import { apiOf, isHitlActive, say, setHitlInactive, type Props } from './api'
import { flowOnHitlStopped } from './config'
import { continueWorkflow, endByUser } from './incoming-message'
import { END_REASON, TAG } from './names'
import { timeoutDue } from './rules'
import { retrieveSessionConfig } from './session-config'
import { textToSend } from './texts'

type Event = { type: string; conversationId?: string; userId?: string; payload: Record<string, unknown> }
const STOP = { stop: true } as const

/**
 * The active session of a hitl conversation, or none (then the event is dropped for good). As the plugin does, the
 * session state is read first (the event's first call), then the conversation.
 */
async function activeSession(props: Props, downstreamId: string) {
  const api = apiOf(props)
  if (!(await isHitlActive(api, downstreamId))) return undefined
  const { conversation: downstream } = await api.getConversation({ id: downstreamId })
  const upstreamId = downstream.tags[TAG.upstream]
  if (!upstreamId) return undefined
  return { downstream, upstreamId }
}

/** `hitlAssigned`: the agent is announced every time the event arrives during an active session. */
export async function onHitlAssigned(props: Props & { data: Event }) {
  const { conversationId, userId } = props.data.payload
  const session = await activeSession(props, String(conversationId))
  if (!session) {
    props.logger.info(`dropped hitlAssigned for ${conversationId}: no active session`)
    return STOP
  }
  // The plugin's calls: state, conversation, session config, agent user, then the writes side by side (the 5th call).
  // The upstream conversation is read only inside the look-alike branch, in parallel with the writes.
  const config = await retrieveSessionConfig(props, session.upstreamId)
  await assignAgent(
    props,
    { downstreamId: session.downstream.id, upstream: session.upstreamId, config },
    String(userId)
  )
  return STOP
}

/** `hitlStopped`: the agent closed the ticket; the plugin tells the user and hands back to the bot (no stopHitl). */
export async function onHitlStopped(props: Props & { data: Event }) {
  const { conversationId } = props.data.payload
  const session = await activeSession(props, String(conversationId))
  if (!session) {
    props.logger.info(`dropped hitlStopped for ${conversationId}: no active session`)
    return STOP
  }
  const api = apiOf(props)
  const config = await retrieveSessionConfig(props, session.upstreamId)
  await Promise.allSettled([
    say(api, props.ctx.botId, session.upstreamId, textToSend(config.onHitlStoppedMessage, 'onHitlStoppedMessage')),
    setHitlInactive(api, session.downstream.id, END_REASON.agentClosedTicket),
    setHitlInactive(api, session.upstreamId, END_REASON.agentClosedTicket),
  ])
  if (flowOnHitlStopped(config)) await continueWorkflow(props, session.upstreamId)
  return STOP
}

/** The plugin's own assignment timeout (scheduled by startHitl): ends a session that still has no agent. */
export async function onAssignmentTimeout(props: Props & { data: Event }) {
  const upstreamId = props.data.conversationId
  const { sessionStartedAt, downstreamConversationId } = props.data.payload
  if (!upstreamId) return STOP
  const config = await retrieveSessionConfig(props, upstreamId)
  if (!timeoutDue(String(sessionStartedAt), config)) return STOP
  const session = await activeSession(props, String(downstreamConversationId))
  if (!session || session.downstream.tags[TAG.humanAgentId]) return STOP // over, or an agent came
  await endByUser(props, { upstreamId, downstreamId: session.downstream.id, config }, 'onAgentAssignedTimeoutMessage')
  return STOP
}
