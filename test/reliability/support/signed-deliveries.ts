import { generateKeyPairSync, sign } from 'node:crypto'
import type { Stack } from '../../../sandbox/stack'

/**
 * Webhook deliveries a test writes itself, as SalesIQ would sign them: the stack's configuration gets the public
 * key of a hand-made webhook (`webhookPublicKey`, the manual setup), and each body is signed with its private key.
 * They reach the integration as Botpress forwards them (`webhook_received`).
 */
export function signedDeliveries(stack: Stack) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  stack.pool.configuration = {
    ...stack.pool.configuration,
    webhookPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  }
  let seq = 0
  const post = (body: string, signature?: string, key?: string) =>
    stack.pool.call(
      'webhook_received',
      {
        req: {
          method: 'POST',
          path: '',
          query: '',
          headers: { 'content-type': 'application/json', ...(signature ? { 'x-siqsignature': signature } : {}) },
          body,
        },
      },
      key
    )
  return {
    /** Signs and delivers `envelope` (its event_time defaults to now). */
    deliver(envelope: Record<string, unknown>, key?: string) {
      const body = JSON.stringify({
        handler: 'execution',
        entity_type: 'conversation',
        attempt: 1,
        version: 1,
        event_time: String(Date.now() + ++seq),
        ...envelope,
      })
      return post(body, sign('sha256', Buffer.from(body), privateKey).toString('base64'), key)
    },
    /** Posts `body` as it is, with whatever signature (or none); `key` pins it to an instance (pinned routing). */
    post,
  }
}

/** Botpress API requests the integration made (the emulator's request log), from `since` (a seq) on. */
export const botpressCallsSince = (stack: Stack, since: number) =>
  stack.botpress.requests().filter((r) => r.seq > since && r.headers['x-integration-id'] !== undefined)
export const lastBotpressSeq = (stack: Stack) => stack.botpress.requests().at(-1)?.seq ?? 0

/**
 * What a foreign chat costs (issue #14.5, the bench row "Botpress calls per foreign delivery"): `chats` website
 * chats this bot never opened, each with `perChat` assignment deliveries, opened `ageMs` ago as the entity says.
 * Returns the Botpress calls per delivery, and the size of every integration state after the flood.
 */
export async function floodForeignAssignments(
  stack: Stack,
  opts: { chats: number; perChat: number; ageMs?: number; operatorId: string; firstChatId?: number }
) {
  const { deliver } = signedDeliveries(stack)
  const since = lastBotpressSeq(stack)
  const openedAt = Date.now() - (opts.ageMs ?? 60_000)
  const base = opts.firstChatId ?? 91_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000
  // Each chat's deliveries to the same instance, as a chat's redeliveries may well go (what one instance learns).
  const routing = stack.pool.routing
  stack.pool.routing = 'pinned'
  let deliveries = 0
  const statuses = new Map<number, number>()
  for (let round = 0; round < opts.perChat; round++) {
    for (let i = 0; i < opts.chats; i++) {
      const chatId = String(base + i)
      const answer = await deliver(
        {
          event: 'conversation.attender.updated',
          entity_id: chatId,
          entity: {
            id: chatId,
            visitor_conversation_id: `${'f'.repeat(56)}${String(i).padStart(8, '0')}`,
            owner: { id: opts.operatorId, name: 'Website operator', type: 'operator' },
            opened_time: String(openedAt),
            chat_status: { state_key: 'connected' },
            visitor: { id: `v${i}`, name: `Website visitor ${i}`, channel: 'website' },
          },
        },
        chatId
      )
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      deliveries++
    }
  }
  stack.pool.routing = routing
  const made = botpressCallsSince(stack, since)
  const calls = made.length
  const lookups = made.filter((r) => r.path.startsWith('/v1/chat/conversations') && r.method === 'GET').length
  const states = stack.botpress.dump().bots[stack.identity.botId]?.states.filter((s) => s.type === 'integration') ?? []
  return {
    firstChatId: base,
    deliveries,
    botpressCalls: calls,
    callsPerDelivery: calls / deliveries,
    /** Conversation lookups; the rest is the webhook keys' cache (one read per instance and minute). */
    lookups,
    otherCalls: calls - lookups,
    otherPaths: [
      ...new Set(
        made
          .filter((r) => !(r.path.startsWith('/v1/chat/conversations') && r.method === 'GET'))
          .map((r) => `${r.method} ${r.path}`)
      ),
    ],
    statuses: Object.fromEntries(statuses),
    integrationStateBytes: JSON.stringify(states.map((s) => s.payload)).length,
  }
}
