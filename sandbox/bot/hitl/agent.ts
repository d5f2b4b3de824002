import { apiOf, say, setHumanAgent, type Conversation, type Props, type User } from './api'
import { useHumanAgentInfo, type HitlConfig } from './config'
import { ACTION } from './names'
import { agentName } from './rules'
import { textToSend } from './texts'

/**
 * Makes `agentUserId` the session's agent: announces it to the user — every time, as the plugin does — and tags
 * both conversations with the agent's id and name.
 */
export async function assignAgent(
  props: Props,
  /** The upstream conversation, or its id (then it is read in parallel with the writes, only for the look-alike). */
  session: { downstreamId: string; upstream: Conversation | string; config: HitlConfig },
  agentUserId: string
) {
  const api = apiOf(props)
  const agent = await api
    .getUser({ id: agentUserId })
    .then((r) => r.user)
    .catch(() => undefined)
  const name = agentName(agent)
  const { upstream } = session
  const upstreamId = typeof upstream === 'string' ? upstream : upstream.id
  const upstreamConversation = async () =>
    typeof upstream === 'string' ? (await api.getConversation({ id: upstream })).conversation : upstream
  await Promise.all([
    say(
      api,
      props.ctx.botId,
      upstreamId,
      textToSend(session.config.onHumanAgentAssignedMessage, 'onHumanAgentAssignedMessage')
    ),
    setHumanAgent(api, session.downstreamId, agentUserId, name),
    setHumanAgent(api, upstreamId, agentUserId, name),
    agent ? upstreamConversation().then((c) => lookAlikeUser(props, c, agent, session.config)) : undefined,
  ])
}

/**
 * The webchat user that stands for the agent in the upstream conversation (so webchat shows the agent's name and
 * picture), or none: only on webchat and with `useHumanAgentInfo`.
 */
export async function lookAlikeUser(
  props: Props,
  upstream: Conversation,
  agent: User,
  config: HitlConfig
): Promise<string | undefined> {
  if (!useHumanAgentInfo(config) || upstream.integration !== 'webchat') return undefined
  const { output } = await apiOf(props).callAction({
    type: ACTION.webchatGetOrCreateUser,
    input: {
      name: agent.name ?? agentName(agent),
      ...(agent.pictureUrl ? { pictureUrl: agent.pictureUrl } : {}),
      user: { id: agent.id, conversationId: upstream.id },
    },
  })
  return typeof output?.userId === 'string' ? output.userId : undefined
}
