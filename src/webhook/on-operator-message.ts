import type * as bp from '.botpress'
import { assignmentDelayMs } from '../hitl/assignment'
import { operatorUserId } from '../hitl/operators'
import { messageOf, newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'
import { relayAttachment, type OutgoingMessage } from './operator-attachment'

/**
 * `operator.replied`: the message appears in the hitl conversation as the operator's own Botpress user (never the
 * visitor), so the plugin relays it with the agent's name. Exactly once, even when SalesIQ redelivers and two
 * instances handle the two copies: getOrCreateMessage discriminated by the SalesIQ message id is Botpress's own
 * server-side idempotency.
 */
export async function onOperatorMessage(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const message = messageOf(delivery.entity)
  if (!message) return 'no message in the payload'
  const senderType = message.sender?.type?.toLowerCase()
  if (senderType && senderType !== 'operator' && senderType !== 'agent')
    return `sender is a ${senderType}, not an operator`

  const conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not opened by this integration'

  const operator =
    message.sender ??
    newOwner(delivery.entity, delivery.event) ??
    (conversation.tags.operatorId ? { id: conversation.tags.operatorId } : undefined)
  if (!operator) return 'no operator named in the payload'

  // SalesIQ's msgid (unique in its chat); else what identifies the delivery itself (§5).
  const baseKey = `${delivery.chatId}:${message.id ?? `${delivery.event}@${delivery.eventTime}`}`
  const eventKey = `${delivery.event}:${delivery.chatId}:${delivery.eventTime}`

  if (message.attachments.length) {
    // A redelivery of a file message: skip the download and upload if the message exists already.
    const existing = await props.client.listMessages({
      conversationId: conversation.id,
      tags: { zohoMessageId: baseKey },
    })
    if (existing.messages.length) return 'duplicate'
  }

  const outgoing: Array<{ key: string; message: OutgoingMessage }> = []
  for (const [i, attachment] of message.attachments.entries()) {
    const key = i === 0 ? baseKey : `${baseKey}#${i}`
    outgoing.push({
      key,
      message: await relayAttachment(props, delivery.chatId, key.replace(/[^\w.-]+/g, '_'), attachment),
    })
  }
  const names = new Set(message.attachments.map((a) => a.name))
  if (message.text && !names.has(message.text))
    outgoing.push({
      key: outgoing.length ? `${baseKey}#text` : baseKey,
      message: { type: 'text', payload: { text: message.text } },
    })
  if (!outgoing.length) return 'empty message'

  const userId = await operatorUserId(props, { id: operator.id, name: operator.name, email: operator.email })
  // An operator can answer while startHitl is still running: the plugin would drop the message, so it is held back
  // exactly like an early assignment.
  const delay = assignmentDelayMs(conversation.tags)
  for (const { key, message: m } of outgoing) {
    await props.client.getOrCreateMessage({
      type: m.type,
      payload: m.payload,
      userId,
      conversationId: conversation.id,
      tags: { zohoMessageId: key, zohoEventKey: eventKey },
      discriminateByTags: ['zohoMessageId'],
      ...(delay ? { schedule: { delay } } : {}),
    } as Parameters<bp.Client['getOrCreateMessage']>[0])
  }
  return `relayed ${outgoing.length} message(s)`
}
