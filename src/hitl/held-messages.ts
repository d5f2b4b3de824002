import type * as bp from '.botpress'
import { withConversationLock } from '../state/conversation-lock'

/** A held message is stored by Botpress once due; a little later getOrCreateMessage finds it and the entry can go. */
const FORGET_AFTER_DUE_MS = 60_000

/** The keys of held messages and when each is due; none when nothing is held or Botpress does not answer. */
const heldKeys = (client: bp.Client, conversationId: string) =>
  client
    .getState({ type: 'conversation', id: conversationId, name: 'heldMessages' })
    .then((r) => r.state.payload.keys)
    .catch(() => ({}) as Record<string, number>)

/**
 * Creates a held-back (scheduled) operator message at most once per SalesIQ message key, although Botpress may not
 * store a scheduled message until it is due (so getOrCreateMessage cannot see it meanwhile). The keys of held
 * messages are recorded in conversation state; the conversation lock makes check, create and record one step across
 * instances. `create` runs only for a key not already held. Returns false for a duplicate. When Botpress fails to
 * answer these checks, the message is created anyway: a rare duplicate is better than a reply SalesIQ gives up on.
 */
export async function createHeldOnce(
  client: bp.Client,
  conversationId: string,
  key: string,
  dueAt: number,
  create: () => Promise<unknown>
): Promise<boolean> {
  return withConversationLock(
    client,
    conversationId,
    async () => {
      const ref = { type: 'conversation', id: conversationId, name: 'heldMessages' } as const
      // Not found: nothing held yet. A Botpress failure here costs only the duplicate check, never the message.
      const keys = await heldKeys(client, conversationId)
      const now = Date.now()
      if ((keys[key] ?? 0) > now - FORGET_AFTER_DUE_MS) return false
      await create()
      // The message is scheduled: from here on, failing would make SalesIQ redeliver and duplicate it. A record that
      // cannot be written only leaves a later copy of this delivery undetected, so it is tried twice, then let go.
      const kept = Object.fromEntries(Object.entries(keys).filter(([, due]) => due > now - FORGET_AFTER_DUE_MS))
      const record = () =>
        client.setState({ ...ref, payload: { keys: { ...kept, [key]: dueAt } }, expiry: 10 * 60_000 })
      await record()
        .catch(record)
        .catch(() => undefined)
      return true
    },
    { bestEffort: true }
  )
}

/** Whether a key is held (scheduled, maybe not yet stored): a relay of the same message now would duplicate it. */
export async function isHeld(client: bp.Client, conversationId: string, key: string): Promise<boolean> {
  const keys = await heldKeys(client, conversationId)
  return (keys[key] ?? 0) > Date.now() - FORGET_AFTER_DUE_MS
}

/** When the last message held back on this conversation is due (0 when none is): the end must come after it. */
export async function heldUntil(client: bp.Client, conversationId: string): Promise<number> {
  return Math.max(0, ...Object.values(await heldKeys(client, conversationId)))
}
