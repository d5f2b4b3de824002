import {
  businessHoursView,
  DEFAULT_SHAPES,
  operatorStatusView,
  waitingQueueView,
  type AvailabilityShapes,
} from './availability'
import type { ZohoStore } from './store'
import type { App, ChatMessage, ChatState, Conversation, Department, Operator, Visitor, Webhook } from './model'
import { ms } from './ids'
import { operatorName } from './seed'
import { messageFields, messageType } from './message-shape'
import type { ZohoEmulatorSettings } from './settings'

/** Zoho's wire shapes of the stored records (REST v2 and visitor API). Every timestamp: epoch ms as a string. */

export function appView(a: App, store: ZohoStore, settings: AvailabilityShapes = DEFAULT_SHAPES) {
  return {
    id: a.id,
    name: a.name,
    unique_name: a.uniqueName,
    enabled: a.enabled,
    departments: a.departmentIds.map((d) => ({ [d]: store.departments.get(d)?.name ?? '' })),
    chat_assignment: a.chatAssignment,
    waiting_time: a.waitingTimeSec,
    business_hours: businessHoursView(a, settings),
    chat_waiting_queue: waitingQueueView(a),
    created_time: ms(a.createdAt),
  }
}

export function departmentView(d: Department) {
  return {
    id: d.id,
    name: d.name,
    display_name: d.name,
    is_enabled: 'true',
    is_public: d.isPublic,
    description: d.description,
  }
}

export function operatorView(o: Operator, settings: AvailabilityShapes = DEFAULT_SHAPES) {
  return {
    id: o.id,
    email_id: o.email,
    first_name: o.firstName,
    last_name: o.lastName,
    nick_name: o.nickName,
    is_enabled: true,
    is_chat_enabled: true,
    ...operatorStatusView(o, settings),
    departments: o.departmentIds,
    maximum_concurrent_chat: o.maxConcurrentChats,
    image_key: `0_${o.id}`,
  }
}

/** The person objects of close/attender samples. `lowerEmail`: webhooks lower-case emails. */
export function personView(o: Operator, lowerEmail = false) {
  const email = lowerEmail ? o.email.toLowerCase() : o.email
  return {
    id: o.id,
    name: operatorName(o),
    email,
    email_id: email,
    is_bot: false,
    image_key: `0_${o.id}`,
    type: 'operator',
  }
}

export function chatStatus(state: ChatState) {
  switch (state) {
    case 'waiting':
      return { state_key: 'waiting', status_code: 0, state: 1, status_key: 'open', label: 'Waiting' }
    case 'connected':
      return { state_key: 'connected', status_code: 1, state: 2, status_key: 'open', label: 'Connected' }
    case 'ended':
      return { id: '22', state_key: 'end', status_code: 2, state: 4, label: 'Attended Online', status_key: 'closed' }
    case 'missed':
      // Undocumented; ((emulator inference)) modelled on the ended one.
      return { id: '23', state_key: 'missed', status_code: 3, state: 5, label: 'Missed', status_key: 'closed' }
  }
}

export const STATUS_LABEL: Record<ChatState, string> = {
  waiting: 'Waiting',
  connected: 'Connected',
  ended: 'Attended Online',
  missed: 'Missed',
}

export function visitorView(v: Visitor, lowerEmail = false) {
  return {
    ...v.extra,
    id: v.id,
    name: v.name,
    ...(v.email
      ? { email: lowerEmail ? v.email.toLowerCase() : v.email, email_id: lowerEmail ? v.email.toLowerCase() : v.email }
      : {}),
    ...(v.phone ? { phone: v.phone } : {}),
    user_id: v.userId,
    channel: 'api',
  }
}

/** The shape the emulator's own views use (control API, visitor v2 list): file under `file`, typed sender. */
export const PLAIN_MESSAGES = {
  operatorFileShape: 'file',
  restMessageSender: 'typed',
  restMessageIds: 'msgid',
} as const

/** One message of the REST list. Undocumented (A8): sender `type`, ids and the file's place follow the settings. */
export function messageView(
  m: ChatMessage,
  attachmentUrl: (fileId: string) => string,
  settings: Pick<ZohoEmulatorSettings, 'operatorFileShape' | 'restMessageSender' | 'restMessageIds'>
) {
  const sender = {
    id: m.sender.id,
    name: m.sender.name,
    ...(settings.restMessageSender === 'typed' ? { type: m.sender.type } : {}),
  }
  const ids =
    settings.restMessageIds === 'msgid'
      ? { id: m.msgid, msgid: m.msgid }
      : settings.restMessageIds === 'id'
        ? { id: m.msgid }
        : { id: `${m.msgid}-r`, sequence_id: String(m.time) }
  return {
    ...ids,
    time: ms(m.time),
    sender,
    type: messageType(m),
    message: messageFields(m, attachmentUrl, settings.operatorFileShape),
  }
}

/** REST v2 conversation object (list/get/close/transfer). */
export function conversationView(c: Conversation, store: ZohoStore, lowerEmail = false) {
  const dept = store.departments.get(c.departmentId)
  const attender = c.attenderId ? store.operators.get(c.attenderId) : undefined
  const visitor = store.visitors.get(c.visitorId)
  const last = c.messages[c.messages.length - 1]
  return {
    id: c.id,
    conversation_id: c.id,
    visitor_conversation_id: c.visitorConversationId,
    wms_chat_id: c.wmsChatId,
    chat_id: c.chatId,
    reference_id: c.referenceId,
    question: c.question,
    app_id: c.appId,
    department_id: c.departmentId,
    department: { id: c.departmentId, name: dept?.name ?? '' },
    status: STATUS_LABEL[c.state],
    chat_status: chatStatus(c.state),
    ...(attender ? { attender: personView(attender, lowerEmail), owner: personView(attender, lowerEmail) } : {}),
    participants: c.participants.flatMap((id) => {
      const o = store.operators.get(id)
      return o ? [personView(o, lowerEmail)] : []
    }),
    ...(visitor ? { visitor: visitorView(visitor, lowerEmail) } : {}),
    ...(c.customerInfo ? { customer_info: c.customerInfo } : {}),
    start_time: ms(c.startTime),
    opened_time: ms(c.startTime),
    last_modified_time: ms(c.lastModified),
    ...(c.attendedTime ? { attended_time: ms(c.attendedTime) } : {}),
    ...(c.endTime ? { end_time: ms(c.endTime) } : {}),
    ...(c.missedTime ? { missed_time: ms(c.missedTime) } : {}),
    ...(c.endedBy ? { ended_by: c.endedBy } : {}),
    ...(c.rating !== undefined ? { rating: c.rating } : {}),
    ...(c.feedback !== undefined ? { feedback: c.feedback } : {}),
    ...(last
      ? {
          last_message_info: {
            type: last.file ? 'file' : 'text',
            text: last.text,
            time: ms(last.time),
            sender: last.sender,
          },
        }
      : {}),
  }
}

/** Visitor API open-conversation `data` (the real trimmed sample of the reference). */
export function openedView(c: Conversation, store: ZohoStore, autoAssign: boolean) {
  const dept = store.departments.get(c.departmentId)
  const v = store.visitors.get(c.visitorId)
  return {
    id: c.visitorConversationId,
    wms_chat_id: c.wmsChatId,
    question: c.question,
    department: { name: dept?.name ?? '', id: c.departmentId },
    auto_assign: autoAssign,
    start_time: ms(c.startTime),
    last_modified_time: ms(c.lastModified),
    visitor: v
      ? {
          id: v.id,
          name: v.name,
          ...(v.email ? { email: v.email } : {}),
          user_id: v.userId,
          country_code: String(v.extra.country_code ?? 'US'),
        }
      : undefined,
    type: 'chat',
    chat_id: c.chatId,
    conversation_id: c.id,
    reference_id: c.referenceId,
    chat_status: chatStatus(c.state),
  }
}

export function webhookView(w: Webhook) {
  return {
    id: w.id,
    url: w.url,
    type: 'data',
    status: w.enabled ? 'enabled' : 'disabled',
    secured: w.secured,
    version: 1,
    app_ids: w.appIds,
    events: w.events,
    public_keys: w.keys.map((k) => ({ id: k.id, key: k.publicKeyB64, created_time: ms(k.createdAt) })),
    ...(w.expiryForExecutionsMs !== undefined ? { expiry_time_for_executions_data: w.expiryForExecutionsMs } : {}),
    created_time: ms(w.createdAt),
    modified_time: ms(w.modifiedAt),
  }
}
