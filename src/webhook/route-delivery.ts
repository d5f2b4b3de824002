import type * as bp from '.botpress'
import type { Delivery } from '../zoho/webhook-payload'
import { onAssignment } from './on-assignment'
import { onEnd } from './on-end'
import { onOperatorMessage } from './on-operator-message'
import { onRated } from '../rating/on-rated'

/** Transfers are undocumented (A2): only the ones that settle who owns the chat matter here. */
const ASSIGNMENT_EVENTS = new Set(['conversation.attender.updated', 'conversation.transfer.accepted'])

/** One SalesIQ event → what it means for the hitl conversation. Returns what was done, for the log. */
export async function routeDelivery(props: bp.CommonHandlerProps, delivery: Delivery): Promise<string> {
  const { event } = delivery
  if (ASSIGNMENT_EVENTS.has(event)) return onAssignment(props, delivery)
  switch (event) {
    case 'conversation.operator.replied':
      return onOperatorMessage(props, delivery)
    case 'conversation.completed':
      return onEnd(props, delivery, 'completed')
    case 'conversation.missed':
      return onEnd(props, delivery, 'missed')
    case 'conversation.rated':
      return onRated(props, delivery)
    case 'conversation.visitor.replied':
      return "ignored (the visitor's own message echoed back)"
    default:
      // message.edited/deleted, participants, other transfer steps: nothing the hitl interface can carry.
      return 'ignored'
  }
}
