import type * as bp from '.botpress'
import type { SalesIQClient } from '../zoho/salesiq'
import type { Assignment } from './assignment'

type Person = { id?: unknown; name?: unknown; email?: unknown; email_id?: unknown }
const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v))

/**
 * The operator SalesIQ already gave the chat to, read back right after startHitl mapped it. SalesIQ may assign
 * (~100 ms after opening) before the mapping exists; that delivery then finds no conversation and keeps nothing —
 * keeping it would mean keeping every foreign chat's too. Since the assignment happened before its delivery was
 * handled, and the mapping after, this read sees it. A failure only means no early assignment (logged).
 */
export async function assignedAlready(
  props: bp.CommonHandlerProps,
  salesiq: SalesIQClient,
  chatId: string
): Promise<Assignment | undefined> {
  try {
    const chat = (await salesiq.getConversation(chatId))?.data ?? {}
    const person = (chat.attender ?? chat.owner) as Person | undefined
    const id = str(person?.id)
    if (!id) return undefined
    return {
      operator: { id, name: str(person?.name), email: str(person?.email ?? person?.email_id) },
      eventTime: Number(chat.attended_time) || Date.now(),
    }
  } catch (err) {
    props.logger.forBot().warn(`Could not read back the operator of SalesIQ chat ${chatId}: ${(err as Error).message}`)
    return undefined
  }
}
