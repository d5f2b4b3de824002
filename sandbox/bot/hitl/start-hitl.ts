import { apiOf, isHitlActive, say, setHitlActive, type Api, type Props } from './api'
import { timeoutSeconds } from './config'
import { ACTION, EVENT, HITL_INTEGRATION, TAG } from './names'
import { buildMessageHistory, downstreamUserProfile, lastIncomingMessageId } from './rules'
import { configureNewSession } from './session-config'
import { textToSend } from './texts'

export type StartHitlInput = {
  title: string
  description?: string
  hitlSession?: Record<string, unknown>
  userId: string
  userEmail?: string
  conversationId: string
  configurationOverrides?: Record<string, unknown>
}

/**
 * The plugin's `startHitl` action, step by step in the plugin's order (reference/botpress.md §3): the session is
 * active only at the end, some API round trips after the integration's startHitl returned; until then whatever
 * the integration sends is dropped. If the integration's startHitl throws, the action fails after the handoff text.
 */
export async function startHitl(props: Props & { input: StartHitlInput }): Promise<Record<string, never>> {
  const api = apiOf(props)
  const { input } = props
  if (!input.conversationId) throw new Error('conversationId is required to start HITL')
  if (!input.userId) throw new Error('userId is required to start HITL')

  // 1. guards: a hitl conversation itself, a session already active, the message that started the last session
  const { conversation: upstream } = await api.getConversation({ id: input.conversationId })
  if (upstream.tags[TAG.upstream] || upstream.integration === HITL_INTEGRATION) return {}
  if (await isHitlActive(api, upstream.id)) return {}
  const { messages: newestFirst } = await api.listMessages({ conversationId: upstream.id })
  const startMessageId = lastIncomingMessageId(newestFirst)
  if (startMessageId && upstream.tags[TAG.startMessageId] === startMessageId) return {}

  // 2. the session's configuration, then the handoff text
  const config = await configureNewSession(props, upstream.id, input.configurationOverrides)
  await say(api, props.ctx.botId, upstream.id, textToSend(config.onHitlHandoffMessage, 'onHitlHandoffMessage'))

  // 3. the user's downstream user (made once by the integration, then found through the user tag)
  const downstreamUsers = new Map<string, string>() // within this call only
  const downstreamOf = async (userId: string, email?: string) => {
    const known = downstreamUsers.get(userId) ?? (await downstreamUserOf(api, props.ctx.botId, userId, email))
    downstreamUsers.set(userId, known)
    return known
  }
  const downstreamUserId = await downstreamOf(input.userId, input.userEmail)

  // 4. the transcript: the first page of the upstream conversation, oldest first
  const { messages: page } = await api.listMessages({ conversationId: upstream.id })
  for (const m of page) if (m.direction === 'incoming') await downstreamOf(m.userId)
  const messageHistory = buildMessageHistory(page, (id) => downstreamUsers.get(id)!)

  // 5. the integration opens the ticket
  const { output } = await api.callAction({
    type: ACTION.startHitlOfIntegration,
    input: {
      title: input.title,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.hitlSession !== undefined ? { hitlSession: input.hitlSession } : {}),
      userId: downstreamUserId,
      messageHistory,
    },
  })
  const { conversation: downstream } = await api.getConversation({ id: String(output.conversationId) })

  // 6. link the two conversations, remember the start message
  await Promise.all([
    api.updateConversation({ id: upstream.id, tags: { [TAG.downstream]: downstream.id } }),
    api.updateConversation({ id: downstream.id, tags: { [TAG.upstream]: upstream.id } }),
  ])
  if (startMessageId) await api.updateConversation({ id: upstream.id, tags: { [TAG.startMessageId]: startMessageId } })

  // 7. only now is the session active
  await Promise.all([setHitlActive(api, upstream.id), setHitlActive(api, downstream.id)])

  // 8. the assignment timeout, off unless configured
  const seconds = timeoutSeconds(config)
  if (seconds > 0)
    await api.createEvent({
      type: EVENT.humanAgentAssignedTimeout,
      conversationId: upstream.id,
      userId: input.userId,
      payload: { sessionStartedAt: new Date().toISOString(), downstreamConversationId: downstream.id },
      schedule: { delay: seconds * 1000 },
    })
  return {}
}

/** The downstream user of an upstream user: its `downstream` tag, or a new one from the integration's createUser. */
async function downstreamUserOf(api: Api, botId: string, upstreamUserId: string, email?: string): Promise<string> {
  const { user } = await api.getUser({ id: upstreamUserId })
  const linked = user.tags[TAG.downstream]
  if (linked) return linked
  const { output } = await api.callAction({
    type: ACTION.createUser,
    input: downstreamUserProfile(user, botId, email),
  })
  const downstreamUserId = String(output.userId)
  await Promise.all([
    api.updateUser({ id: upstreamUserId, tags: { [TAG.downstream]: downstreamUserId } }),
    api.updateUser({ id: downstreamUserId, tags: { [TAG.upstream]: upstreamUserId } }),
  ])
  return downstreamUserId
}
