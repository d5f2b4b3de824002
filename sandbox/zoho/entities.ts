import type { EmulatorContext } from './context'
import { messageFields, messageType } from './message-shape'
import type { ChatMessage, Conversation, Visitor } from './model'
import { conversationView, visitorView } from './views'

/** The `entity` of each conversation webhook (reference §5 and A2). Emails are lower-cased, as SalesIQ does. */

export type ConversationEvent =
  | 'conversation.created'
  | 'conversation.attender.updated'
  | 'conversation.missed'
  | 'conversation.operator.replied'
  | 'conversation.visitor.replied'
  | 'conversation.completed'
  | 'conversation.rated'
  | 'conversation.transfer.initiated'
  | 'conversation.transfer.accepted'
  | 'conversation.transfer.rejected'

export const CONVERSATION_EVENTS: ConversationEvent[] = [
  'conversation.created',
  'conversation.attender.updated',
  'conversation.missed',
  'conversation.operator.replied',
  'conversation.visitor.replied',
  'conversation.completed',
  'conversation.rated',
  'conversation.transfer.initiated',
  'conversation.transfer.accepted',
  'conversation.transfer.rejected',
]

/** Extra facts of one event that the stored conversation does not carry. */
export interface EventExtra {
  message?: ChatMessage
  transfer?: { toOperatorId?: string; toDepartmentId: string; note?: string; byOperatorId?: string }
}

export function attachmentUrl(ctx: EmulatorContext, c: Conversation, fileId: string): string {
  const f = ctx.store.files.get(fileId)
  const q = new URLSearchParams({ file_name: f?.name ?? 'file', chat_id: c.wmsChatId, purpose: 'chat_attachment' })
  return `${ctx.baseUrl()}/api/v2/${ctx.seed.screenName}/attachments/${f?.key ?? fileId}?${q}`
}

function messageEntity(ctx: EmulatorContext, c: Conversation, m: ChatMessage) {
  const visitor = ctx.store.visitors.get(c.visitorId)
  return {
    id: c.id,
    visitor_conversation_id: c.visitorConversationId,
    // Real `operator.replied`: {sender: {name, id, type}, meta: {}, msgid, text} (A8); files per operatorFileShape.
    message: {
      sender: m.sender,
      msgid: m.msgid,
      time: String(m.time),
      type: messageType(m),
      ...messageFields(m, (f) => attachmentUrl(ctx, c, f), ctx.settings.operatorFileShape),
    },
    ...(visitor ? { visitor: webhookVisitor(ctx, visitor) } : {}),
  }
}

/** `entity.visitor` as real deliveries carry it (A8), or as the docs print it (`webhookVisitorShape`). */
function webhookVisitor(ctx: EmulatorContext, v: Visitor) {
  if (ctx.settings.webhookVisitorShape === 'documented') return { ...visitorView(v, true), channel: 'website' }
  const [first, ...rest] = v.name.split(' ')
  return {
    id: v.id,
    name: v.name,
    type: 'contact',
    first_name: first ?? '',
    last_name: rest.join(' '),
    salutation: '',
    channel: 'website',
  }
}

export function buildEntity(ctx: EmulatorContext, event: ConversationEvent, c: Conversation, extra: EventExtra = {}) {
  if ((event === 'conversation.operator.replied' || event === 'conversation.visitor.replied') && extra.message) {
    return messageEntity(ctx, c, extra.message)
  }
  const view = conversationView(c, ctx.store, true)
  const visitor = ctx.store.visitors.get(c.visitorId)
  const base = {
    ...view,
    participants: c.participants,
    last_message_info: undefined,
    ...(visitor ? { visitor: webhookVisitor(ctx, visitor) } : {}),
    // Real deliveries: status_code 0 while connected (A8).
    ...(c.state === 'connected' ? { chat_status: { ...view.chat_status, status_code: 0 } } : {}),
  }
  switch (event) {
    case 'conversation.rated':
      return { ...base, status: 'Ended', ...(c.rating !== undefined ? { rating: c.rating } : {}), feedback: c.feedback }
    case 'conversation.transfer.initiated':
    case 'conversation.transfer.accepted':
    case 'conversation.transfer.rejected': {
      // Key names undocumented (A2); ((emulator inference)) snake_case of the workflow-rule labels.
      const t = extra.transfer
      const to = t?.toOperatorId ? ctx.store.operators.get(t.toOperatorId) : undefined
      return {
        ...base,
        transfer_attempt_count: c.transferAttempts,
        ...(t
          ? {
              transfer_to: to ? { id: to.id, name: `${to.firstName} ${to.lastName}` } : undefined,
              transfer_department_id: t.toDepartmentId,
              transfer_note: t.note,
            }
          : {}),
        ...(event === 'conversation.transfer.accepted' && to
          ? { accepted_by: { id: to.id, name: `${to.firstName} ${to.lastName}` } }
          : {}),
        ...(event === 'conversation.transfer.rejected' && to
          ? { rejected_by: { id: to.id, name: `${to.firstName} ${to.lastName}` } }
          : {}),
      }
    }
    default:
      return base
  }
}
