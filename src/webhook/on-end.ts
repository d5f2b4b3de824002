import type * as bp from '.botpress'
import { LEGACY_DEFAULT_TEXTS } from '../definitions/configuration'
import { claimEnd } from '../hitl/end'
import { heldUntil } from '../hitl/held-messages'
import { endDueAt, orderGapMs, scheduleFor } from '../hitl/hold-back'
import { noticeUserId } from '../hitl/operators'
import type { Delivery } from '../zoho/webhook-payload'
import { catchUpOperatorReplies } from './catch-up-replies'
import { findHitlConversation, type HitlConversation } from './find-conversation'

/**
 * `completed` (the operator or SalesIQ ended the chat) and `missed` (nobody picked it up): the plugin gets
 * `hitlStopped`, which hands the user back to the bot, and the plugin itself tells the user (design: the plugin speaks
 * to the end user). A missed chat is announced first with `chatMissed`, so a flow can say it in its own words.
 * Whoever ends the session first (stopHitl, completed, missed) wins; the others, and every redelivery, do nothing.
 */
export async function onEnd(
  props: bp.CommonHandlerProps,
  delivery: Delivery,
  by: 'completed' | 'missed'
): Promise<string> {
  const conversation = await findHitlConversation(props, delivery)
  if (!conversation) return 'chat not opened by this integration'
  const claim = await claimEnd(props.client, conversation.id, by)
  if (!claim.won) return 'already ended'
  if (by === 'completed') {
    // Marked first: an operator message delivered from now on may already have been caught up below.
    await props.client.updateConversation({ id: conversation.id, tags: { endedAt: String(Date.now()) } })
    await catchUpOperatorReplies(props, delivery, conversation)
  }

  // Due after whatever is still held back (an early operator message, hitlAssigned), or the plugin would drop it;
  // an opt-in notice comes first, one order gap before hitlStopped (at the same moment the plugin may drop it).
  const held = await heldUntil(props.client, conversation.id)
  const now = Date.now()
  let dueAt = endDueAt(conversation.tags, now, held)
  if (await postOptInNotice(props, conversation, delivery, by, scheduleFor(dueAt, now)))
    dueAt += orderGapMs(conversation.tags)
  const when = scheduleFor(dueAt, now)
  if (by === 'missed') {
    const waitedSeconds = waitedSecondsOf(delivery, conversation)
    await props.client.createEvent({
      type: 'chatMissed',
      payload: { conversationId: conversation.id, ...(waitedSeconds !== undefined ? { waitedSeconds } : {}) },
      conversationId: conversation.id,
      ...when,
    })
  }
  await props.client.createEvent({
    type: 'hitlStopped',
    payload: { conversationId: conversation.id },
    conversationId: conversation.id,
    ...when,
  })
  await claim.finish()
  props.logger
    .forBot()
    .info(
      `SalesIQ chat ${delivery.chatId} ${by === 'missed' ? 'was missed' : 'ended'}: conversation ${conversation.id} handed back to the bot`
    )
  return by
}

/**
 * The configured extra text, if any, and only while an operator is assigned: on an unassigned hitl conversation the
 * plugin would make the notice's author "the agent" and announce it as joined. Texts that earlier versions sent by
 * default count as not set (configurations saved back then hold them).
 */
async function postOptInNotice(
  props: bp.CommonHandlerProps,
  conversation: HitlConversation,
  delivery: Delivery,
  by: 'completed' | 'missed',
  when: ReturnType<typeof scheduleFor>
): Promise<boolean> {
  const config = props.ctx.configuration
  const text = optInText(by === 'missed' ? config.missedChatMessage : config.chatEndedMessage)
  if (!text || !conversation.tags.operatorId) return false
  await props.client.getOrCreateMessage({
    type: 'text',
    payload: { text },
    userId: await noticeUserId(props.client),
    conversationId: conversation.id,
    tags: { zohoEventKey: `${by}:${delivery.chatId}` },
    discriminateByTags: ['zohoEventKey'],
    ...when,
  } as Parameters<bp.Client['getOrCreateMessage']>[0])
  return true
}

export function optInText(value: string | undefined): string | undefined {
  const text = value?.trim()
  return text && !LEGACY_DEFAULT_TEXTS.includes(text) ? text : undefined
}

/** From when startHitl opened the chat (SalesIQ's start_time when the payload has it) to when SalesIQ gave up. */
export function waitedSecondsOf(
  delivery: Pick<Delivery, 'eventTime' | 'entity'>,
  conversation: Pick<HitlConversation, 'tags'>
): number | undefined {
  const time = (v: unknown) => {
    const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN
    return Number.isFinite(n) && n > 0 ? n : undefined
  }
  const entity = delivery.entity as Record<string, unknown>
  const missedAt = time(entity.missed_time) ?? time(delivery.eventTime)
  const startedAt = time(entity.start_time) ?? time(conversation.tags.openedAt)
  if (missedAt === undefined || startedAt === undefined || missedAt < startedAt) return undefined
  return Math.round((missedAt - startedAt) / 1000)
}
