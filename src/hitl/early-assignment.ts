import type * as bp from '.botpress'

/**
 * An assignment SalesIQ reported before startHitl returned (it can assign within milliseconds of opening the chat).
 * Both see it: startHitl reads the chat's operator back after its hand-over tag, and the delivery waits for that tag.
 * startHitl cannot see the plugin after it returns, so it could only time the announcement for the slowest plugin;
 * the delivery, still waiting, can wait for the plugin's link and time it by that (hold-back.ts). So the delivery
 * says it is waiting, on the visitor's user (there is no conversation yet when the chat is not mapped), and startHitl
 * leaves the announcement to it while that surely still holds. If the delivery dies after all, SalesIQ redelivers it.
 */
const ref = (userId: string) => ({ type: 'user', id: userId, name: 'earlyAssignment' }) as const

/** The delivery waits for the mapping (≤ 1 s, find-conversation.ts) and then the hand-over (≤ 2.5 s, wait-for-plugin.ts). */
const HOLDS_MS = 2000
/** ...having found the mapping within 1 s of claiming, if it came by then. */
const MAPPED_WITHIN_MS = 750

export async function claimEarlyAssignment(client: bp.Client, userId: string, chatId: string, operatorId: string) {
  await client.setState({ ...ref(userId), payload: { chatId, operatorId, at: Date.now() }, expiry: 60_000 })
}

/** Whether a delivery of this assignment is waiting for startHitl's hand-over of a chat mapped at `mappedAt`. */
export async function earlyAssignmentWaits(
  client: bp.Client,
  userId: string,
  assignment: { chatId: string; operatorId: string; mappedAt: number }
): Promise<boolean> {
  const claim = await client.getState(ref(userId)).then(
    (r) => r.state.payload,
    () => undefined // none (or Botpress did not answer): startHitl announces
  )
  if (!claim || claim.chatId !== assignment.chatId || claim.operatorId !== assignment.operatorId) return false
  const now = Date.now()
  return now - claim.at < HOLDS_MS && assignment.mappedAt - claim.at < MAPPED_WITHIN_MS
}
