import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'

export type EndedBy = 'stopHitl' | 'completed' | 'missed'

/**
 * Marks the hitl conversation as ended, once: the first of stopHitl / completed / missed wins, on any instance
 * (getOrSetState is atomic). Returns true only to the winner, which alone tells the plugin.
 */
export async function claimEnd(client: bp.Client, conversationId: string, by: EndedBy): Promise<boolean> {
  const nonce = randomUUID()
  const { state } = await client.getOrSetState({
    type: 'conversation',
    id: conversationId,
    name: 'ended',
    payload: { by, nonce, at: Date.now() },
  })
  return state.payload.nonce === nonce
}
