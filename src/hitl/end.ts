import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'

export type EndedBy = 'stopHitl' | 'completed' | 'missed'

/** A claim older than this whose winner never finished (crash, Botpress error) may be taken over by a redelivery. */
export const END_CLAIM_STALE_MS = 15_000

export type EndClaim = { won: boolean; finish(): Promise<void> }

/**
 * Marks the hitl conversation as ended, once: the first of stopHitl / completed / missed wins, on any instance
 * (getOrSetState is atomic); only the winner tells the plugin, then calls `finish()`. If the winner failed before
 * finishing, SalesIQ redelivers the event (we answered 5xx) and the redelivery, finding a stale unfinished claim of
 * the same kind, takes it over — so `hitlStopped` is neither lost nor sent twice.
 */
export async function claimEnd(client: bp.Client, conversationId: string, by: EndedBy): Promise<EndClaim> {
  const ref = { type: 'conversation', id: conversationId, name: 'ended' } as const
  const nonce = randomUUID()
  const mine = { by, nonce, at: Date.now() }
  const { state } = await client.getOrSetState({ ...ref, payload: mine })
  const claim = state.payload
  let won = claim.nonce === nonce
  if (!won && !claim.done && claim.by === by && Date.now() - claim.at > END_CLAIM_STALE_MS) {
    await client.setState({ ...ref, payload: mine })
    won = true
  }
  return {
    won,
    finish: async () => {
      if (won) await client.setState({ ...ref, payload: { ...mine, done: true } })
    },
  }
}
