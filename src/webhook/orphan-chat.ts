import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { isZohoError } from '../zoho/errors'
import type { Delivery } from '../zoho/webhook-payload'

/**
 * Chats known not to be ours-in-progress: still unmapped when older than UNMAPPED_GRACE_MS. Only a per-instance
 * cache, bounded: forgetting one costs a lookup again.
 */
const FOREIGN_MAX = 20_000
const foreign = new Set<string>()
export const isKnownForeign = (chatId: string) => foreign.has(chatId)
function rememberForeign(chatId: string) {
  foreign.add(chatId)
  if (foreign.size > FOREIGN_MAX) foreign.delete(foreign.values().next().value!)
}

/**
 * startHitl maps the chat it opened with one Botpress call (its retries included, seconds at worst): an unmapped chat
 * older than this is not ours-in-progress.
 */
export const UNMAPPED_GRACE_MS = 30_000
/** A chat still young when looked at is looked at again only after this (a Zoho read each time). */
const RECHECK_MS = 5_000
const CHECKED_MAX = 5_000
/** The webhook answers SalesIQ within 5 s: this read gives up long before. */
const READ_BUDGET_MS = 2_000

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`took over ${ms} ms`)), ms).unref?.()),
  ])
/**
 * Unmapped chats looked at: first seen (the age when SalesIQ tells none), last looked at, and whether it was then a
 * young chat of ours (startHitl is mapping it right now, for that Botpress user).
 */
const checked = new Map<string, { firstSeen: number; at: number; openingFor?: string }>()

/** The marker startHitl puts in the chat's customer_info: which integration opened it for which Botpress user. */
export const MARKER_INTEGRATION = 'Botpress integration'
export const MARKER_USER = 'Botpress user'

/**
 * A delivery for a chat no hitl conversation maps. Either a foreign chat (a website chat of the same app) — remembered
 * as such once it is old enough — or an orphan: a chat this integration opened whose startHitl died before mapping it
 * (the process was killed between the two). Nobody could answer an orphan's operator, so it is closed, with a line
 * telling the operator why; the visitor's side already learned that the escalation failed (startHitl never returned).
 * Costs one Zoho read per chat and instance (then the chat is remembered) and no Botpress call of its own (the
 * connection's token is cached); never throws. Names the Botpress user of a young chat that carries this
 * integration's marker: startHitl is mapping it right now, so the delivery is worth keeping (find-conversation.ts).
 */
export async function settleUnmappedChat(
  props: bp.CommonHandlerProps,
  delivery: Pick<Delivery, 'chatId' | 'entity'>
): Promise<{ openingFor: string } | undefined> {
  const { chatId } = delivery
  const now = Date.now()
  const seen = checked.get(chatId)
  if (seen && now - seen.at < RECHECK_MS) return seen.openingFor ? { openingFor: seen.openingFor } : undefined
  checked.set(chatId, { firstSeen: seen?.firstSeen ?? now, at: now })
  if (checked.size > CHECKED_MAX) checked.delete(checked.keys().next().value!)
  try {
    const { salesiq } = await connect(props)
    let chat: Record<string, unknown> = {}
    try {
      chat = (await withTimeout(salesiq.getConversation(chatId), READ_BUDGET_MS))?.data ?? {}
    } catch (err) {
      // SalesIQ does not show us this chat: not one we opened. Anything else (outage): decide another time.
      if (!isZohoError(err, 'not_found') && !isZohoError(err, 'invalid_request')) return
    }
    const entity = delivery.entity as Record<string, unknown>
    const openedAt =
      epochMs(chat.start_time ?? chat.opened_time) ?? epochMs(entity.opened_time) ?? seen?.firstSeen ?? now
    const info = (chat.customer_info ?? {}) as Record<string, unknown>
    const ours = info[MARKER_INTEGRATION] === props.ctx.integrationId
    if (now - openedAt <= UNMAPPED_GRACE_MS) {
      // Maybe a startHitl is mapping it right now: decide later.
      const openingFor = ours && info[MARKER_USER] ? String(info[MARKER_USER]) : undefined
      checked.set(chatId, { firstSeen: seen?.firstSeen ?? now, at: now, openingFor })
      return openingFor ? { openingFor } : undefined
    }
    rememberForeign(chatId)
    checked.delete(chatId)
    if (!ours) return // a foreign chat
    const status = chat.chat_status as { status_key?: string } | undefined
    if (status?.status_key === 'closed') return
    await salesiq
      .sendVisitorText(
        chatId,
        'This chat could not be connected to the visitor (the escalation failed before it was set up) and is being closed.'
      )
      .catch(() => undefined)
    await salesiq.closeConversation(chatId)
    props.logger
      .forBot()
      .warn(
        `Closed SalesIQ chat ${chatId}: it was opened for Botpress user ${String(info[MARKER_USER] ?? '?')} but never ` +
          'mapped to a hitl conversation (the escalation failed midway), so nobody could have answered its operator.'
      )
  } catch (err) {
    props.logger.forBot().debug(`Could not check unmapped SalesIQ chat ${chatId}: ${(err as Error).message}`)
  }
}

const epochMs = (v: unknown) => {
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
