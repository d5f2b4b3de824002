import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { messageOf, parseDelivery, type Delivery } from '../zoho/webhook-payload'
import { messageDigest } from './message-digest'
import { onOperatorMessage } from './on-operator-message'

/** Redeliveries come a minute apart, three times: a reply later than this before the end is not caught up. */
const CATCH_UP_WINDOW_MS = 5 * 60_000
/** Botpress's clock is not SalesIQ's: messages relayed a little before the window still count as relayed. */
const CLOCK_MARGIN_MS = 60_000
const MAX_PAGES = 10

type Relayed = { key: string; digest?: string }

/**
 * SalesIQ may deliver `completed` before the operator's last reply (a reply whose delivery failed once and is
 * redelivered later); after hitlStopped the plugin drops it. So before ending, the chat's recent operator messages
 * are read back from SalesIQ and relayed through the same idempotent path: what was relayed already is found, what
 * was missing is created. The REST list is undocumented (A8), so neither its sender `type` nor its ids are trusted:
 * a sender without a type is the operator when its id is one of the chat's operators, and a message whose id is not
 * one we relayed is still recognised by what it says (a digest), counted, so two equal texts stay two. A failure
 * here is logged, never blocks the end.
 */
export async function catchUpOperatorReplies(
  props: bp.CommonHandlerProps,
  delivery: Delivery,
  conversation: { id: string; tags: Record<string, string | undefined> }
): Promise<void> {
  try {
    const { salesiq } = await connect(props)
    const since = (delivery.eventTime || Date.now()) - CATCH_UP_WINDOW_MS
    const operatorIds = operatorIdsOf(delivery, conversation.tags.operatorId)
    const candidates = (await salesiq.listMessages(delivery.chatId)).flatMap((m) => {
      const time = Number(m.time)
      if (!isOperators(m.sender, operatorIds) || (Number.isFinite(time) && time < since)) return []
      const replay = parseDelivery(
        JSON.stringify({
          event: 'conversation.operator.replied',
          entity_id: delivery.chatId,
          event_time: m.time,
          entity: {
            id: delivery.chatId,
            visitor_conversation_id: delivery.visitorChatId,
            message: { ...(m.message as object), msgid: m.msgid ?? m.id, sender: m.sender, type: m.type },
          },
        })
      )
      return replay.ok ? [replay.delivery] : []
    })
    if (!candidates.length) return

    const relayed = await relayedOperatorMessages(props.client, conversation.id, since - CLOCK_MARGIN_MS)
    const keys = new Set(relayed.map((r) => r.key))
    const keyOf = (d: Delivery) => `${delivery.chatId}:${messageOf(d.entity)?.id ?? ''}`
    const candidateKeys = new Set(candidates.map(keyOf))
    // Relayed messages no candidate names by id: the candidates left over may be them under another id.
    const unclaimed = new Map<string, number>()
    for (const r of relayed)
      if (r.digest && !candidateKeys.has(r.key)) unclaimed.set(r.digest, (unclaimed.get(r.digest) ?? 0) + 1)

    for (const candidate of candidates) {
      const message = messageOf(candidate.entity)
      if (!message) continue
      if (!keys.has(keyOf(candidate))) {
        const digest = messageDigest(message)
        const left = unclaimed.get(digest) ?? 0
        if (left > 0) {
          unclaimed.set(digest, left - 1)
          continue
        }
      }
      await onOperatorMessage(props, candidate, { catchUp: true })
    }
  } catch (err) {
    props.logger
      .forBot()
      .warn(`Could not read back the last operator messages of chat ${delivery.chatId}: ${(err as Error).message}`)
  }
}

/** The chat's operators as the end delivery names them (owner, attender, participants), plus the one we know. */
function operatorIdsOf(delivery: Delivery, known: string | undefined): Set<string> {
  const e = delivery.entity as Record<string, unknown>
  const ids = new Set<string>(known ? [known] : [])
  const add = (v: unknown) => {
    if (typeof v === 'string' || typeof v === 'number') ids.add(String(v))
    else if (v && typeof v === 'object' && 'id' in v) add((v as { id: unknown }).id)
  }
  add(e.owner)
  add(e.attender)
  if (Array.isArray(e.participants)) e.participants.slice(0, 100).forEach(add)
  return ids
}

function isOperators(sender: unknown, operatorIds: Set<string>): boolean {
  if (!sender || typeof sender !== 'object') return false
  const { type, id } = sender as { type?: unknown; id?: unknown }
  if (typeof type === 'string' && type.trim()) return ['operator', 'agent'].includes(type.trim().toLowerCase())
  return id !== undefined && id !== null && operatorIds.has(String(id))
}

/** The operator messages relayed into the hitl conversation since `since` (first part of each: no `#` in the key). */
async function relayedOperatorMessages(client: bp.Client, conversationId: string, since: number): Promise<Relayed[]> {
  const out: Relayed[] = []
  let nextToken: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const { messages, meta } = await client.listMessages({ conversationId, nextToken })
    for (const m of messages) {
      const key = m.tags.zohoMessageId
      if (key && !key.includes('#')) out.push({ key, digest: m.tags.zohoMessageDigest })
    }
    const oldest = messages[messages.length - 1]
    nextToken = meta.nextToken
    if (!nextToken || !oldest || new Date(oldest.createdAt).getTime() < since) break
  }
  return out
}
