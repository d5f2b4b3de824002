import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { createHeldOnce, isHeld } from '../hitl/held-messages'
import { endDueAt, operatorMessageDueAt, scheduleFor } from '../hitl/hold-back'
import { operatorUserId } from '../hitl/operators'
import { messageOf, newOwner, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation, waitForHandover } from './find-conversation'
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

  const found = await findHitlConversation(props.client, delivery.chatId, delivery.visitorChatId)
  if (!found) return 'chat not opened by this integration'
  // An answer while startHitl is still running cannot be timed yet: wait (briefly) for the hand-over.
  let conversation = await waitForHandover(props.client, found)

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

  const person = { id: operator.id, name: operator.name, email: operator.email }
  if (!conversation.tags.operatorId) {
    // The operator answered before their assignment was handled (its delivery failed, or is late): they are the
    // agent, announced first, so the plugin never takes the message's author for a second agent.
    const { tags } = await announceAssignment(props, conversation, { operator: person, eventTime: delivery.eventTime })
    conversation = { ...conversation, tags }
  }
  const userId = await operatorUserId(props, person)
  // Held back until the plugin accepts it and knows this operator as the agent (hold-back.ts).
  const now = Date.now()
  const dueAt = operatorMessageDueAt(conversation.tags, userId, now) ?? now
  // Botpress may store a scheduled message only when due, so while anything can still be held back the keys of held
  // messages are checked too (held-messages.ts); afterwards getOrCreateMessage alone is the idempotency.
  const held = dueAt > now
  const mayBeHeld = held || endDueAt(conversation.tags, now) > now
  let relayed = 0
  for (const { key, message: m } of outgoing) {
    const create = () =>
      props.client.getOrCreateMessage({
        type: m.type,
        payload: m.payload,
        userId,
        conversationId: conversation.id,
        tags: { zohoMessageId: key, zohoEventKey: eventKey },
        discriminateByTags: ['zohoMessageId'],
        ...scheduleFor(dueAt, now),
      } as Parameters<bp.Client['getOrCreateMessage']>[0])
    if (held) {
      if (await createHeldOnce(props.client, conversation.id, key, dueAt, create)) relayed++
    } else if (!(mayBeHeld && (await isHeld(props.client, conversation.id, key)))) {
      await create()
      relayed++
    }
  }
  if (!relayed) return 'duplicate (held back already)'
  return `relayed ${relayed} message(s)${held ? ` due in ${dueAt - now} ms` : ''}`
}
