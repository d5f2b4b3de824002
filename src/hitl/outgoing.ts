import { RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { toRuntimeError } from '../runtime/errors'
import { isZohoError } from '../zoho/errors'
import type { SalesIQClient } from '../zoho/salesiq'
import { fetchFile } from './fetch-file'
import { renderMessage } from './render'

type Payload = Record<string, unknown>
type MediaKind = 'image' | 'audio' | 'video' | 'file'
const URL_FIELD: Record<MediaKind, string> = {
  image: 'imageUrl',
  audio: 'audioUrl',
  video: 'videoUrl',
  file: 'fileUrl',
}

type SendProps = {
  props: bp.CommonHandlerProps
  conversation: { id: string; tags: Record<string, string | undefined> }
  type: string
  payload: Payload
}

/**
 * SalesIQ's visitor API shows everything as the visitor's words. The plugin relays the end user's messages with
 * `payload.userId` (the end user's downstream user); what it writes without one is its own text (e.g. "( The user has
 * ended the session. )"), so the operator reads it labelled as the bot's.
 */
export const BOT_LABEL = 'Bot: '
const labelFor = (payload: Payload) => (typeof payload.userId === 'string' && payload.userId ? '' : BOT_LABEL)

/**
 * Visitor → operator, for every message type of the hitl channel. What cannot be delivered throws a RuntimeError
 * naming the cause (the bot sees the message failed); a file that cannot be uploaded is sent as a link instead.
 */
export async function sendToOperator({ props, conversation, type, payload }: SendProps): Promise<void> {
  const chatId = conversation.tags.chatId
  if (!chatId)
    throw new RuntimeError(`Conversation ${conversation.id} has no SalesIQ chat: it was not opened by startHitl.`)
  try {
    const { salesiq } = await connect(props)
    await sendOne(props, salesiq, chatId, type, payload, labelFor(payload))
  } catch (err) {
    throw toRuntimeError(err, `sending a ${type} message to SalesIQ chat ${chatId}`)
  }
}

async function sendOne(
  props: bp.CommonHandlerProps,
  salesiq: SalesIQClient,
  chatId: string,
  type: string,
  payload: Payload,
  label: string
) {
  if (type === 'bloc') {
    const items = Array.isArray(payload.items) ? (payload.items as Array<{ type: string; payload: Payload }>) : []
    if (!items.length) throw new RuntimeError('An empty bloc message (no items) cannot be sent to SalesIQ.')
    for (const item of items) await sendOne(props, salesiq, chatId, item.type, item.payload ?? {}, label)
    return
  }
  if (type in URL_FIELD) return sendMedia(props, salesiq, chatId, type as MediaKind, payload, label)
  const text = renderMessage(type, payload)
  if (!text.trim()) throw new RuntimeError(`An empty ${type} message cannot be sent to SalesIQ.`)
  await salesiq.sendVisitorText(chatId, label + text)
}

async function sendMedia(
  props: bp.CommonHandlerProps,
  salesiq: SalesIQClient,
  chatId: string,
  kind: MediaKind,
  payload: Payload,
  label: string
) {
  const url = String(payload[URL_FIELD[kind]] ?? '')
  const title = typeof payload.title === 'string' ? payload.title : undefined
  if (!url) throw new RuntimeError(`The ${kind} message has no ${URL_FIELD[kind]}.`)
  const file = await fetchFile(url, title)
  if ('bytes' in file) {
    try {
      const comment = label + (title ?? '') || undefined
      await salesiq.sendVisitorFile(chatId, { ...file, ...(comment ? { comment: comment.trim() } : {}) })
      return
    } catch (err) {
      // SalesIQ refused this file (type, size): the operator still gets it, as a link.
      if (!isZohoError(err, 'invalid_request')) throw err
      props.logger.forBot().warn(`SalesIQ refused the ${kind} "${file.name}" (${err.message}); sending it as a link`)
    }
  } else {
    props.logger.forBot().info(`The ${kind} ${file.failed}; sending it to SalesIQ as a link`)
  }
  await salesiq.sendVisitorText(chatId, label + renderMessage(kind, payload))
}
