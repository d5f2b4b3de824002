import { ACTION } from './hitl/names'
import type { Api, Message, Props } from './hitl/api'
import { botReply, ESCALATE_VALUE, wantsHuman } from './replies'

/**
 * The sandbox bot's own small brain, for messages the HITL part lets through: it echoes, offers a "talk to a human"
 * button, and escalates through the plugin's action `hitl#startHitl` — called over the Botpress API, so it is routed
 * as Botpress routes it. A failed escalation says nothing more to the user (the plugin doesn't either): the
 * error is in the log and on the timeline.
 */
export async function onUserMessage(props: Props & { message: Message }) {
  const api = props.client as Api
  const { message } = props
  if (message.direction !== 'incoming') return
  if (wantsHuman(message)) {
    const text = typeof message.payload.text === 'string' ? message.payload.text.trim() : ''
    const { user } = await api.getUser({ id: message.userId })
    await api
      .callAction({
        type: ACTION.startHitl,
        input: {
          title: `Escalation from ${user.name ?? 'a visitor'}`,
          description: text && text !== ESCALATE_VALUE ? text : 'The visitor asked for a human agent',
          userId: message.userId,
          conversationId: message.conversationId,
          ...(typeof user.tags.email === 'string' ? { userEmail: user.tags.email } : {}),
        },
      })
      .catch((err: unknown) => props.logger.error(`hitl#startHitl failed: ${err instanceof Error ? err.message : err}`))
    return
  }
  await api.createMessage({
    conversationId: message.conversationId,
    userId: props.ctx.botId,
    ...botReply(message),
    tags: {},
  })
}
