import { ACTION } from './hitl/names'
import type { Message, Props } from './hitl/api'
import { awaitMessage, isAwaitingMessage, stopAwaitingMessage, type DemoApi } from './demo-state'
import { leaveOfflineMessage } from './offline-message'
import {
  botReply,
  buttonOf,
  DEMO_TEXTS,
  ESCALATE_VALUE,
  expectedWaitText,
  LEAVE_MESSAGE_VALUE,
  NOT_NOW_VALUE,
  offerMessageReply,
  offlineMessageOf,
  wantsHuman,
} from './replies'

export const GET_AVAILABILITY_ACTION = 'zoho-salesiq-hitl:getAvailability'

type Reply = { type: string; payload: Record<string, unknown> }

/**
 * The sandbox bot's own small brain, for messages the HITL part lets through: it echoes, offers a "talk to a human"
 * button, and before escalating asks the integration's `getAvailability`. Someone can chat: it tells the expected
 * wait and escalates through the plugin's action `hitl#startHitl` — called over the Botpress API, so it is routed
 * as Botpress routes it. Nobody can: it says why and takes the visitor's next text as an offline message
 * (`leaveMessage`). A failed escalation says nothing more to the user (the plugin doesn't either): the error is in
 * the log and on the timeline.
 */
export async function onUserMessage(props: Props & { message: Message }) {
  const api = props.client as DemoApi
  const { message } = props
  if (message.direction !== 'incoming') return
  const say = (reply: Reply) =>
    api.createMessage({ conversationId: message.conversationId, userId: props.ctx.botId, ...reply, tags: {} })
  const sayText = (text: string) => say({ type: 'text', payload: { text } })

  const button = buttonOf(message)
  if (button === NOT_NOW_VALUE) {
    await stopAwaitingMessage(api, message.conversationId)
    return sayText(DEMO_TEXTS.notNow)
  }
  if (button === LEAVE_MESSAGE_VALUE) {
    await awaitMessage(api, message.conversationId)
    return say({ type: 'choice', payload: { text: DEMO_TEXTS.askForMessage, options: notNow } })
  }
  if (await isAwaitingMessage(api, message.conversationId)) {
    const text = offlineMessageOf(message)
    if (text) return leaveOfflineMessage(props, message, text)
    if (button !== ESCALATE_VALUE) return sayText(DEMO_TEXTS.textOnly) // a file, a picture…
    await stopAwaitingMessage(api, message.conversationId) // "talk to a human" again: check again
  }
  if (wantsHuman(message)) return escalate(props)
  await say(botReply(message))
}

const notNow = [{ label: 'Not now', value: NOT_NOW_VALUE }]

async function escalate(props: Props & { message: Message }) {
  const api = props.client as DemoApi
  const { message } = props
  const say = (reply: Reply) =>
    api.createMessage({ conversationId: message.conversationId, userId: props.ctx.botId, ...reply, tags: {} })

  // A failed check must not block a visitor who asked for a human: then we escalate anyway, as without the check.
  const availability = await api
    .callAction({ type: GET_AVAILABILITY_ACTION, input: {} })
    .then((r) => r.output)
    .catch((err: unknown) => {
      props.logger.error(`${GET_AVAILABILITY_ACTION} failed, escalating anyway: ${errorText(err)}`)
      return undefined
    })
  if (availability?.canChat === false) {
    await awaitMessage(api, message.conversationId)
    return say(offerMessageReply(availability.reason))
  }
  if (availability?.canChat === true)
    await say({ type: 'text', payload: { text: expectedWaitText(availability.waitingTimeSeconds) } })

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
    .catch((err: unknown) => props.logger.error(`hitl#startHitl failed: ${errorText(err)}`))
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err))
