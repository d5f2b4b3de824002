import type * as bp from '.botpress'
import { linkWorthWaitingFor, observedTags, operatorMessageDueAt } from '../hitl/hold-back'
import type { HitlConversation } from './find-conversation'
import { lookAgainLater, pauseBefore } from './look-again'

/**
 * SalesIQ allows 5 s per delivery: one waits for the plugin (its link, its agent) only until this long after it
 * arrived (the wait for the hand-over may have used it up), so what is left is enough for the rest of the work.
 */
export const DELIVERY_WAIT_MS = 3000
/** For startHitl's hand-over, at most (it is then only sending the transcript). */
export const HANDOVER_WAIT_MS = 2500

async function look(client: bp.Client, id: string): Promise<HitlConversation> {
  const { conversation } = await client.getConversation({ id })
  return { ...conversation, tags: observedTags(conversation) }
}

/**
 * The conversation once startHitl has handed it over (`handedOverAt`), looking again for at most HANDOVER_WAIT_MS.
 * Still not handed over: an error, so the webhook answers 5xx and SalesIQ redelivers later, when the delivery can be
 * timed (nothing is lost).
 */
export async function waitForHandover(client: bp.Client, conversation: HitlConversation): Promise<HitlConversation> {
  const deadline = Date.now() + HANDOVER_WAIT_MS
  let current = conversation
  for (let attempt = 0; !current.tags.handedOverAt; attempt++) {
    if (Date.now() > deadline)
      throw new Error(`conversation ${conversation.id} is not handed over to the bot yet (startHitl still running)`)
    await lookAgainLater(attempt)
    current = await look(client, conversation.id)
  }
  return current
}

/**
 * The conversation once the plugin has linked it (`hitl#upstream`), which measures how fast the bot's calls are
 * (hold-back.ts): what this delivery makes is then due as early as that allows, instead of after the slowest calls.
 * Looks again until `deadline` at most, and not once the hold-back is over anyway; never fails (without the link,
 * the hold-back counts the slowest calls).
 */
export async function waitForPluginLink(
  client: bp.Client,
  conversation: HitlConversation,
  deadline: number
): Promise<HitlConversation> {
  let current = { ...conversation, tags: observedTags(conversation) }
  for (let attempt = 0; linkWorthWaitingFor(current.tags) && Date.now() + pauseBefore(attempt) < deadline; attempt++) {
    await lookAgainLater(attempt)
    const seen = await look(client, conversation.id).catch(() => undefined)
    if (seen) current = seen
  }
  return current
}

/**
 * An operator's message that the plugin could take for a new agent's (it has not stored this operator from
 * hitlAssigned yet): the conversation once it has (`hitl#humanAgentId`), when that comes before `deadline` — then
 * the message is relayed at once instead of being held for the slowest the plugin could take. Never fails.
 */
export async function waitForPluginAgent(
  client: bp.Client,
  conversation: HitlConversation,
  operatorUserId: string,
  deadline: number
): Promise<HitlConversation> {
  let current = conversation
  for (let attempt = 0; ; attempt++) {
    const now = Date.now()
    const dueAt = operatorMessageDueAt(current.tags, operatorUserId, now) ?? now
    if (dueAt <= now || now + pauseBefore(attempt) >= Math.min(deadline, dueAt)) return current
    await lookAgainLater(attempt)
    const seen = await look(client, conversation.id).catch(() => undefined)
    if (seen) current = seen
  }
}
