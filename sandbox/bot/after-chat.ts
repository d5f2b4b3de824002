import type { Props } from './hitl/api'
import { TAG } from './hitl/names'
import { firstToThank, type DemoApi } from './demo-state'
import { DEMO_TEXTS, missedChatReply } from './replies'

type IntegrationEvent = { type: string; conversationId?: string; payload: Record<string, unknown> }
type EventProps = Props & { event: IntegrationEvent }

/** The visitor's conversation of a hitl conversation (the plugin's `hitl#upstream` tag), if linked. */
async function upstreamOf(props: EventProps): Promise<string | undefined> {
  const hitlConversationId = String(props.event.payload.conversationId ?? props.event.conversationId ?? '')
  if (!hitlConversationId) return undefined
  const api = props.client as DemoApi
  const { conversation } = await api.getConversation({ id: hitlConversationId })
  const upstreamId = conversation.tags[TAG.upstream]
  if (!upstreamId) props.logger.info(`${props.event.type}: hitl conversation ${hitlConversationId} has no upstream`)
  return upstreamId
}

/** `zoho-salesiq-hitl:chatRated`: thank the visitor once per chat (a rating and then feedback are two events). */
export async function onChatRated(props: EventProps) {
  const upstreamId = await upstreamOf(props)
  if (!upstreamId) return
  const api = props.client as DemoApi
  if (!(await firstToThank(api, String(props.event.payload.conversationId ?? props.event.conversationId)))) return
  await api.createMessage({
    conversationId: upstreamId,
    userId: props.ctx.botId,
    type: 'text',
    payload: { text: DEMO_TEXTS.thanks },
    tags: {},
  })
}

/**
 * `zoho-salesiq-hitl:chatMissed` (just before the plugin's hitlStopped): say so in our words and offer a button to
 * leave a message — a button, not "type it": the visitor's next words may be meant for the bot.
 */
export async function onChatMissed(props: EventProps) {
  const upstreamId = await upstreamOf(props)
  if (!upstreamId) return
  await (props.client as DemoApi).createMessage({
    conversationId: upstreamId,
    userId: props.ctx.botId,
    ...missedChatReply(),
    tags: {},
  })
}
