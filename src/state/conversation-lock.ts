import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'

const LOCK_TTL_MS = 3_000
const LOCK_WAIT_MS = 2_000
const LOCK_POLL_MS = 40

/**
 * Runs `fn` while holding the conversation's short lock, so a check-then-act on Botpress data is one step across
 * instances (getOrSetState is atomic: only the handler whose nonce was stored holds it). The lock expires by itself
 * if its holder dies; a handler that cannot get it within LOCK_WAIT_MS fails, and SalesIQ redelivers later.
 */
export async function withConversationLock<T>(
  client: bp.Client,
  conversationId: string,
  fn: () => Promise<T>,
  /** When Botpress fails to answer, run unlocked rather than fail (for checks that only prevent duplicates). */
  opts: { bestEffort?: boolean } = {}
) {
  const ref = { type: 'conversation', id: conversationId, name: 'lock' } as const
  const nonce = randomUUID()
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    let holder: string
    try {
      holder = (await client.getOrSetState({ ...ref, payload: { nonce }, expiry: LOCK_TTL_MS })).state.payload.nonce
    } catch (err) {
      if (opts.bestEffort) return fn()
      throw err
    }
    if (holder === nonce) break
    if (Date.now() > deadline) throw new Error(`conversation ${conversationId} is busy (locked by another handler)`)
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
  }
  try {
    return await fn()
  } finally {
    await client.setState({ ...ref, payload: null }).catch(() => undefined) // it expires anyway
  }
}
