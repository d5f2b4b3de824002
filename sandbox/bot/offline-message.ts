import type { Props } from './hitl/api'
import { ACTION, TAG } from './hitl/names'
import { downstreamUserProfile } from './hitl/rules'
import { stopAwaitingMessage, type DemoApi } from './demo-state'
import { DEMO_TEXTS } from './replies'

export const LEAVE_MESSAGE_ACTION = 'zoho-salesiq-hitl:leaveMessage'

/**
 * Files the visitor's offline message through the integration's `leaveMessage`, for their downstream user — the
 * one the plugin's escalations use (user tag `hitl#downstream`), made here as the plugin makes it if they never
 * escalated — so SalesIQ files the message on the same visitor as their chats. Then confirms, or says it failed.
 */
export async function leaveOfflineMessage(
  props: Props,
  upstream: { conversationId: string; userId: string },
  text: string
) {
  const api = props.client as DemoApi
  let reply: string = DEMO_TEXTS.messageLeft
  try {
    const userId = await downstreamUserOf(api, props.ctx.botId, upstream.userId)
    await api.callAction({ type: LEAVE_MESSAGE_ACTION, input: { userId, message: text } })
  } catch (err) {
    props.logger.error(`${LEAVE_MESSAGE_ACTION} failed: ${err instanceof Error ? err.message : err}`)
    reply = DEMO_TEXTS.messageFailed
  }
  await stopAwaitingMessage(api, upstream.conversationId)
  await api.createMessage({
    conversationId: upstream.conversationId,
    userId: props.ctx.botId,
    type: 'text',
    payload: { text: reply },
    tags: {},
  })
}

/** The plugin's way (hitl/start-hitl.ts): the user tag, else the integration's createUser, linked both ways. */
async function downstreamUserOf(api: DemoApi, botId: string, upstreamUserId: string): Promise<string> {
  const { user } = await api.getUser({ id: upstreamUserId })
  const linked = user.tags[TAG.downstream]
  if (linked) return linked
  const email = typeof user.tags.email === 'string' ? user.tags.email : undefined
  const { output } = await api.callAction({ type: ACTION.createUser, input: downstreamUserProfile(user, botId, email) })
  const downstreamUserId = String(output.userId)
  await Promise.all([
    api.updateUser({ id: upstreamUserId, tags: { [TAG.downstream]: downstreamUserId } }),
    api.updateUser({ id: downstreamUserId, tags: { [TAG.upstream]: upstreamUserId } }),
  ])
  return downstreamUserId
}
