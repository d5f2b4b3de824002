import type * as bp from '.botpress'
import { announceAssignment } from '../hitl/assignment'
import { createHeldOnce, isHeld } from '../hitl/held-messages'
import { holdBackEndsBy, operatorMessageDueAt, scheduleFor } from '../hitl/hold-back'
import { operatorUserId } from '../hitl/operators'
import { messageOf, newOwner, type Attachment, type Delivery } from '../zoho/webhook-payload'
import { findHitlConversation } from './find-conversation'
import { messageDigest } from './message-digest'
import { relayAttachment, type OutgoingMessage } from './operator-attachment'
import { logUnreadableShape, UNREADABLE_NOTICE } from './unreadable-message'
import { DELIVERY_WAIT_MS, waitForHandover, waitForPluginAgent, waitForPluginLink } from './wait-for-plugin'

/**
 * One delivery makes at most this many files (SalesIQ gives up after 5 s; 2 000 attachments once took 5.9 s):
 * the rest are named in one text, so nothing is dropped silently.
 */
export const MAX_FILES_PER_DELIVERY = 5

/**
 * `operator.replied`: the message appears in the hitl conversation as the operator's own Botpress user (never the
 * visitor), so the plugin relays it with the agent's name. Exactly once, even when SalesIQ redelivers and two
 * instances handle the two copies: getOrCreateMessage discriminated by the SalesIQ message id is Botpress's own
 * server-side idempotency.
 */
export async function onOperatorMessage(
  props: bp.CommonHandlerProps,
  delivery: Delivery,
  opts: { catchUp?: boolean } = {}
): Promise<string> {
  const started = Date.now()
  const message = messageOf(delivery.entity)
  if (!message) return 'no message in the payload'
  const senderType = message.sender?.type?.toLowerCase()
  if (senderType && senderType !== 'operator' && senderType !== 'agent')
    return `sender is a ${senderType}, not an operator`

  const found = await findHitlConversation(props, delivery)
  if (!found) return 'chat not opened by this integration'
  // An answer while startHitl is still running cannot be timed yet: wait (briefly) for the hand-over, then for the
  // plugin's link, which tells how long the plugin still needs (hold-back.ts). A foreign chat has no conversation, so
  // it never waits (nor costs more than the one lookup).
  let conversation = await waitForHandover(props.client, found)
  if (!opts.catchUp) conversation = await waitForPluginLink(props.client, conversation, started + DELIVERY_WAIT_MS)

  const operator =
    message.sender ??
    newOwner(delivery.entity, delivery.event) ??
    (conversation.tags.operatorId ? { id: conversation.tags.operatorId } : undefined)
  if (!operator) return 'no operator named in the payload'

  // SalesIQ's msgid (unique in its chat); else what identifies the delivery itself (§5).
  const baseKey = `${delivery.chatId}:${message.id ?? `${delivery.event}@${delivery.eventTime}`}`
  const eventKey = `${delivery.event}:${delivery.chatId}:${delivery.eventTime}`
  const files = message.attachments.slice(0, MAX_FILES_PER_DELIVERY)
  const overflow = message.attachments.length - files.length

  const zohoMessageDigest = messageDigest(message)
  if (conversation.tags.endedAt && !opts.catchUp) {
    // Delivered after completed: the catch-up may have relayed it already, under the id SalesIQ's list gave it.
    const same = await props.client.listMessages({ conversationId: conversation.id, tags: { zohoMessageDigest } })
    if (same.messages.some((m) => m.tags.zohoMessageId !== baseKey)) return 'caught up already at the end'
  }

  if (files.length) {
    // A redelivery of a file message: skip the download and upload if the message exists already.
    const existing = await props.client.listMessages({
      conversationId: conversation.id,
      tags: { zohoMessageId: baseKey },
    })
    if (existing.messages.length) return 'duplicate'
  }

  // The files are fetched side by side, so a delivery with several still answers SalesIQ in time.
  const rehosted = await Promise.all(
    files.map((attachment, i) =>
      relayAttachment(props, delivery.chatId, partKey(baseKey, i).replace(/[^\w.-]+/g, '_'), attachment)
    )
  )
  const outgoing: Array<{ key: string; message: OutgoingMessage }> = rehosted.map((m, i) => ({
    key: partKey(baseKey, i),
    message: m,
  }))
  if (overflow > 0) outgoing.push({ key: `${baseKey}#more`, message: overflowText(overflow, message.attachments) })
  const names = new Set(files.map((a) => a.name))
  if (message.text && !names.has(message.text))
    outgoing.push({
      key: outgoing.length ? `${baseKey}#text` : baseKey,
      message: { type: 'text', payload: { text: message.text } },
    })
  if (!outgoing.length) {
    // Neither text nor file: never acknowledged silently.
    logUnreadableShape(props, delivery.chatId, delivery.entity.message)
    outgoing.push({ key: baseKey, message: { type: 'text', payload: { text: UNREADABLE_NOTICE } } })
  }

  const person = { id: operator.id, name: operator.name, email: operator.email }
  if (!conversation.tags.operatorId) {
    // The operator answered before their assignment was handled (its delivery failed, or is late): they are the
    // agent, announced first, so the plugin never takes the message's author for a second agent.
    const { tags } = await announceAssignment(props, conversation, { operator: person, eventTime: delivery.eventTime })
    conversation = { ...conversation, tags }
  }
  const userId = await operatorUserId(props, person)
  // Held back until the plugin accepts it and knows this operator as the agent (hold-back.ts), unless the plugin is
  // seen to know them before this delivery must answer.
  if (!opts.catchUp)
    conversation = await waitForPluginAgent(props.client, conversation, userId, started + DELIVERY_WAIT_MS)
  const now = Date.now()
  const dueAt = operatorMessageDueAt(conversation.tags, userId, now) ?? now
  // Botpress may store a scheduled message only when due, so while anything can still be held back the keys of held
  // messages are checked too (held-messages.ts); afterwards getOrCreateMessage alone is the idempotency.
  const held = dueAt > now
  const mayBeHeld = held || holdBackEndsBy(conversation.tags) > now
  let relayed = 0
  for (const { key, message: m } of outgoing) {
    const create = () =>
      props.client.getOrCreateMessage({
        type: m.type,
        payload: m.payload,
        userId,
        conversationId: conversation.id,
        tags: { zohoMessageId: key, zohoEventKey: eventKey, zohoMessageDigest },
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

const partKey = (baseKey: string, i: number) => (i === 0 ? baseKey : `${baseKey}#${i}`)

const overflowText = (overflow: number, all: Attachment[]): OutgoingMessage => {
  const named = all
    .slice(MAX_FILES_PER_DELIVERY, MAX_FILES_PER_DELIVERY + 3)
    .map((a) => a.name)
    .filter(Boolean)
  const list = named.length ? ` (${named.map((n) => `"${n}"`).join(', ')}${overflow > named.length ? ', …' : ''})` : ''
  return {
    type: 'text',
    payload: { text: `📎 The agent sent ${overflow} more file(s)${list}, which cannot all be shown here.` },
  }
}
