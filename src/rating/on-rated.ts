import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'
import { operatorUserId } from '../hitl/operators'
import type { HitlConversation } from '../webhook/find-conversation'
import { isKnownForeign } from '../webhook/orphan-chat'
import { newOwner, type Delivery } from '../zoho/webhook-payload'

/** A claim whose handler never finished (crash, Botpress error) may be taken over by SalesIQ's redelivery. */
const CLAIM_STALE_MS = 15_000

/**
 * `conversation.rated` → the integration's `chatRated` event on the hitl conversation of that chat; chats this
 * integration did not open are left alone. Once per delivery on any instance: a conversation-state claim
 * (getOrSetState is atomic) keyed by the delivery's event_time; a later rating (feedback after the stars) replaces
 * it, an older one is stale.
 */
export async function onRated(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const conversation = await conversationOfChat(props.client, delivery.chatId)
  if (!conversation) return 'chat not opened by this integration'
  if (delivery.entity.rating === undefined && !delivery.entity.feedback?.trim())
    return 'no rating nor feedback in the payload'

  const claim = await claimRating(props.client, conversation.id, delivery)
  if (claim.outcome !== 'won') return claim.outcome

  try {
    await emit(props, conversation, delivery)
  } catch (err) {
    await claim.release() // SalesIQ's redelivery (we answer 5xx) may then emit it at once
    throw err
  }
  await claim.finish()
  props.logger.forBot().info(`SalesIQ chat ${delivery.chatId} was rated: chatRated on conversation ${conversation.id}`)
  return 'chatRated emitted'
}

/**
 * The hitl conversation startHitl tagged with this chat id. Only the delivery's own chat id counts (a visitor-side id
 * in the payload could name another chat); a rated chat is over, so an unmapped one needs nothing more. A chat known
 * to be foreign costs no lookup (orphan-chat.ts).
 */
async function conversationOfChat(client: bp.Client, chatId: string): Promise<HitlConversation | undefined> {
  if (isKnownForeign(chatId)) return undefined
  const { conversations } = await client.listConversations({ channel: 'hitl', tags: { chatId } })
  return conversations.find((c) => c.tags.chatId === chatId)
}

async function emit(props: bp.CommonHandlerProps, conversation: HitlConversation, delivery: Delivery) {
  const { entity } = delivery
  const owner = newOwner(entity, delivery.event)
  const operatorId = owner?.id ?? conversation.tags.operatorId
  const agentUserId = owner ? await operatorUserId(props, owner) : undefined
  await props.client.createEvent({
    type: 'chatRated',
    payload: {
      conversationId: conversation.id,
      chatId: delivery.chatId,
      ...(conversation.tags.userId ? { userId: conversation.tags.userId } : {}),
      ...(entity.rating !== undefined ? { rating: entity.rating } : {}),
      ...(entity.feedback?.trim() ? { feedback: entity.feedback.trim() } : {}),
      ...(operatorId ? { operatorId } : {}),
      ...(owner?.name ? { operatorName: owner.name } : {}),
      ...(agentUserId ? { agentUserId } : {}),
    },
    conversationId: conversation.id,
  })
}

type RatingClaim = { outcome: 'won' | 'duplicate' | 'stale'; finish(): Promise<void>; release(): Promise<void> }

async function claimRating(client: bp.Client, conversationId: string, delivery: Delivery): Promise<RatingClaim> {
  const ref = { type: 'conversation', id: conversationId, name: 'ratingClaim' } as const
  const { entity } = delivery
  // event_time identifies the delivery (§5); without one, what was rated does.
  const key = delivery.eventTime ? `t${delivery.eventTime}` : `r${entity.rating ?? ''}|${entity.feedback ?? ''}`
  const mine = { key, eventTime: delivery.eventTime, nonce: randomUUID(), at: Date.now() }
  const won = {
    outcome: 'won' as const,
    finish: async () => {
      await client.setState({ ...ref, payload: { ...mine, done: true } })
    },
    // A claim dated 0 is stale at once: the next copy of this delivery takes it over.
    release: async () => {
      await client.setState({ ...ref, payload: { ...mine, at: 0 } }).catch(() => undefined)
    },
  }
  const none = { finish: async () => undefined, release: async () => undefined }

  const { state } = await client.getOrSetState({ ...ref, payload: mine })
  const held = state.payload
  if (held.nonce === mine.nonce) return won
  if (held.key === key) {
    if (held.done || Date.now() - held.at < CLAIM_STALE_MS) return { outcome: 'duplicate', ...none }
  } else if (held.eventTime > delivery.eventTime) return { outcome: 'stale', ...none }
  // A newer rating, or an unfinished stale claim of this one: take it, and act only if ours is what was stored.
  await client.setState({ ...ref, payload: mine })
  const { state: after } = await client.getState(ref)
  return after.payload.nonce === mine.nonce ? won : { outcome: 'duplicate', ...none }
}
