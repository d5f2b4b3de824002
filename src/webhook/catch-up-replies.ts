import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { parseDelivery, type Delivery } from '../zoho/webhook-payload'
import { onOperatorMessage } from './on-operator-message'

/** Redeliveries come a minute apart, three times: a reply later than this before the end is not caught up. */
const CATCH_UP_WINDOW_MS = 5 * 60_000

/**
 * SalesIQ may deliver `completed` before the operator's last reply (a reply whose delivery failed once and is
 * redelivered later); after hitlStopped the plugin drops it. So before ending, the chat's recent operator messages
 * are read back from SalesIQ and relayed through the same idempotent path (keyed by SalesIQ's msgid): what was
 * relayed already is found, what was missing is created. A failure here is logged, never blocks the end.
 */
export async function catchUpOperatorReplies(props: bp.CommonHandlerProps, delivery: Delivery): Promise<void> {
  try {
    const { salesiq } = await connect(props)
    const since = (delivery.eventTime || Date.now()) - CATCH_UP_WINDOW_MS
    for (const m of await salesiq.listMessages(delivery.chatId)) {
      const sender = m.sender as { type?: string } | undefined
      if (sender?.type?.toLowerCase() !== 'operator' || Number(m.time ?? 0) < since) continue
      const replay = parseDelivery(
        JSON.stringify({
          event: 'conversation.operator.replied',
          entity_id: delivery.chatId,
          event_time: m.time,
          entity: {
            id: delivery.chatId,
            visitor_conversation_id: delivery.visitorChatId,
            message: { ...(m.message as object), msgid: m.msgid ?? m.id, sender: m.sender, type: m.type },
          },
        })
      )
      if (replay.ok) await onOperatorMessage(props, replay.delivery)
    }
  } catch (err) {
    props.logger
      .forBot()
      .warn(`Could not read back the last operator messages of chat ${delivery.chatId}: ${(err as Error).message}`)
  }
}
