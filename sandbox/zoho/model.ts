import type { KeyObject } from 'node:crypto'

/** Records the store keeps. Field names are the emulator's own; Zoho's wire shapes are built in views.ts/entities.ts. */

export interface OAuthClient {
  clientId: string
  clientSecret: string
  /** '*' = any redirect URI is accepted ((emulator-only) default, so the sandbox can use random ports). */
  redirectUris: string[] | '*'
}

export interface RefreshToken {
  value: string
  clientId: string
  /** Lower-cased scope names (Zoho's pages disagree on case). */
  scopes: string[]
  createdAt: number
  revoked: boolean
}

export interface AccessToken {
  value: string
  refreshToken: string
  clientId: string
  scopes: string[]
  issuedAt: number
  expiresAt: number
  invalidated: boolean
}

export interface AuthCode {
  code: string
  clientId: string
  redirectUri: string
  scopes: string[]
  offline: boolean
  expiresAt: number
  used: boolean
}

export interface App {
  id: string
  name: string
  uniqueName: string
  enabled: boolean
  departmentIds: string[]
  chatAssignment: 'auto_assign' | 'manual'
  waitingTimeSec: number
  /** 'off' = no business hours set (always open); 'open' / 'closed' = set, and now inside / outside them. */
  businessHours: BusinessHoursState
  /** SalesIQ's chat waiting queue: when on, at most `size` chats wait per department. */
  waitingQueue: { enabled: boolean; size: number }
  /** Whether visitors may leave an offline message (`leavemessage`); refused with 1016 when false. */
  offlineMessages: boolean
  createdAt: number
}

export type BusinessHoursState = 'off' | 'open' | 'closed'

export interface Department {
  id: string
  name: string
  description: string
  isPublic: boolean
}

export type OperatorStatus = 'available' | 'busy' | 'offline'

export interface Operator {
  id: string
  firstName: string
  lastName: string
  nickName: string
  email: string
  status: OperatorStatus
  maxConcurrentChats: number
  /** Departments the operator answers for (REST `departments: [ids]`); chats are only routed to their members. */
  departmentIds: string[]
}

export interface Visitor {
  id: string
  userId: string
  name: string
  email?: string
  phone?: string
  /** Everything else that came in `visitor` (platform, current_page, country_code, …), as sent. */
  extra: Record<string, unknown>
}

export interface StoredFile {
  id: string
  /** Key of the attachment URL (`/api/v2/{screen}/attachments/{key}`). */
  key: string
  name: string
  contentType: string
  size: number
  data: Buffer
}

export interface ChatMessage {
  msgid: string
  time: number
  sender: { type: 'visitor' | 'operator' | 'system'; id: string; name: string }
  text: string
  file?: { fileId: string; name: string; contentType: string; size: number }
  comment?: string
  edited?: boolean
  deleted?: boolean
}

export type ChatState = 'waiting' | 'connected' | 'ended' | 'missed'

export interface Conversation {
  id: string
  visitorConversationId: string
  wmsChatId: string
  chatId: string
  referenceId: string
  appId: string
  departmentId: string
  question: string
  visitorId: string
  customerInfo?: Record<string, unknown>
  customWaitTimeSec?: number
  state: ChatState
  attenderId?: string
  participants: string[]
  startTime: number
  lastModified: number
  attendedTime?: number
  endTime?: number
  missedTime?: number
  endedBy?: string
  rating?: number
  feedback?: string
  transferAttempts: number
  /** Left with `leavemessage`: never offered to operators. */
  leftMessage?: boolean
  /** A transfer waiting for the target operator (accepted/rejected by hand or after `autoAssignDelayMs`). */
  pendingTransfer?: { toDepartmentId: string; toOperatorId?: string; note?: string; byOperatorId?: string }
  /** How the last transfer ended, and why it was refused (the operator console shows it). */
  lastTransfer?: {
    toOperatorId?: string
    toDepartmentId: string
    outcome: 'accepted' | 'rejected'
    reason?: string
    at: number
  }
  messages: ChatMessage[]
}

/** An offline message left through `leavemessage` (what the operator console lists). */
export interface OfflineMessage {
  /** The conversation_id SalesIQ answered with (the left message is stored as a missed chat too). */
  id: string
  appId: string
  departmentId: string
  message: string
  visitor: { userId: string; name?: string; email?: string; phone?: string }
  /** How it came: POST (documented) or PUT (the Mobilisten SDK). */
  method: string
  createdAt: number
}

export interface WebhookKey {
  id: string
  publicKeyB64: string
  privateKey: KeyObject
  createdAt: number
}

export interface Webhook {
  id: string
  url: string
  events: string[]
  appIds: string[]
  secured: boolean
  enabled: boolean
  keys: WebhookKey[]
  expiryForExecutionsMs?: number
  createdAt: number
  modifiedAt: number
}

export interface FailedExecution {
  id: string
  webhookId: string
  event: string
  entityId: string
  attempt: number
  lastStatus: number | null
  lastError?: string
  eventTime: number
  failedAt: number
  envelope: Record<string, unknown>
}
