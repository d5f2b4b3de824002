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

/**
 * A claim holds while its delivery surely still waits: it waits for the mapping (≤ 1 s, find-conversation.ts), then
 * for the hand-over (≤ 2.5 s, wait-for-plugin.ts) — so if the chat was mapped well within that first second.
 */
const HOLDS_MS = 2000
const MAPPED_WITHIN_MS = 750

export async function claimEarlyAssignment(client: bp.Client, userId: string, chatId: string, operatorId: string) {
  await client.setState({ ...ref(userId), payload: { chatId, operatorId, at: Date.now() }, expiry: 60_000 })
}

/** A delivery sent for an assignment this recent may still be on its way: it says so within a few Botpress calls. */
const IN_FLIGHT_MS = 2000
/** Pauses before looking again for it: at most 0.3 s on startHitl's return, against seconds of hold-back. */
const LOOK_AGAIN_AFTER_MS = [25, 50, 100, 125]

/**
 * Whether a delivery of this assignment is waiting for startHitl's hand-over of a chat mapped at `mappedAt`, so
 * startHitl leaves the announcement to it. For an assignment made moments ago, whose delivery may be arriving right
 * now, it looks again for a moment.
 */
export async function leftToItsDelivery(
  client: bp.Client,
  userId: string,
  assignment: { chatId: string; operatorId: string; mappedAt: number; assignedAt: number }
): Promise<boolean> {
  if (await waits(client, userId, assignment)) return true
  if (Date.now() - assignment.assignedAt > IN_FLIGHT_MS) return false
  for (const pause of LOOK_AGAIN_AFTER_MS) {
    await new Promise((resolve) => setTimeout(resolve, pause))
    if (await waits(client, userId, assignment)) return true
  }
  return false
}

async function waits(
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
