// Shapes of the objects the emulator serves. They follow the response types of @botpress/client 1.35.0
// (dist/index.d.ts); fields the real API marks optional are left out when unset, as it does.

export type Tags = Record<string, string>

export type User = {
  id: string
  createdAt: string
  updatedAt: string
  tags: Tags
  name?: string
  pictureUrl?: string
  attributes?: Record<string, string>
}

export type Conversation = {
  id: string
  createdAt: string
  updatedAt: string
  channel: string
  integration: string
  tags: Tags
  currentTaskId?: string
}

export type Message = {
  id: string
  createdAt: string
  updatedAt: string
  type: string
  payload: Record<string, unknown>
  /** 'incoming' when an integration created it (x-integration-id present), 'outgoing' when the bot did. */
  direction: 'incoming' | 'outgoing'
  userId: string
  conversationId: string
  tags: Tags
  origin?: 'synthetic'
}

export type EventStatus = 'pending' | 'processed' | 'ignored' | 'failed' | 'scheduled' | 'canceled'

export type BpEvent = {
  id: string
  createdAt: string
  type: string
  payload: Record<string, unknown>
  conversationId?: string
  userId?: string
  messageId?: string
  status: EventStatus
  failureReason: string | null
}

export const STATE_TYPES = ['conversation', 'user', 'bot', 'integration', 'task', 'workflow'] as const
export type StateType = (typeof STATE_TYPES)[number]

export type State = {
  id: string
  createdAt: string
  updatedAt: string
  botId: string
  conversationId?: string
  userId?: string
  name: string
  type: StateType
  payload: Record<string, unknown>
}

export type FileStatus =
  | 'upload_pending'
  | 'upload_failed'
  | 'upload_completed'
  | 'indexing_pending'
  | 'indexing_failed'
  | 'indexing_completed'

export type BpFile = {
  id: string
  botId: string
  key: string
  url: string
  size: number | null
  contentType: string
  tags: Tags
  metadata: Record<string, unknown>
  createdAt: string
  updatedAt: string
  accessPolicies: ('integrations' | 'public_content')[]
  index: boolean
  status: FileStatus
  expiresAt?: string
  owner: { type: 'bot' | 'integration' | 'user'; id?: string }
}

/** Who made a request: the bot (no x-integration-id) or one of its integrations. */
export type Caller = { botId: string; integrationId?: string; integrationAlias?: string }

/** Who created an object (kept for every user, conversation, message, event, state and file). */
export type CreatedBy = { integrationId?: string; integrationAlias?: string }

/** Events of `emulator.events` (a typed Node EventEmitter), for the runtime built on top of the API. */
export type EmulatorEventMap = {
  'user.created': [e: { botId: string; caller: Caller; user: User }]
  'user.updated': [e: { botId: string; caller: Caller; user: User }]
  'conversation.created': [e: { botId: string; caller: Caller; conversation: Conversation }]
  'conversation.updated': [e: { botId: string; caller: Caller; conversation: Conversation }]
  /** A message was created (after its schedule, if it had one). `conversation` is the message's conversation. */
  'message.created': [e: { botId: string; caller: Caller; message: Message; conversation: Conversation }]
  'message.updated': [e: { botId: string; caller: Caller; message: Message }]
  /** Every createEvent, scheduled or not (status 'scheduled' or 'pending'). */
  'event.created': [e: { botId: string; caller: Caller; event: BpEvent }]
  /** An event is due for delivery to the bot: at once when unscheduled, else when its schedule fires. */
  'event.due': [e: { botId: string; caller: Caller; event: BpEvent }]
  /** A state was written (set, getOrSet creating it, patch, expiry change) or deleted (`deleted: true`). */
  'state.changed': [e: { botId: string; caller: Caller; state: State; previous?: State; deleted: boolean }]
  'file.uploaded': [e: { botId: string; file: BpFile }]
  reset: []
}

export type FaultSpec = {
  /** Glob on the request path (`*` = any run of characters), e.g. `/v1/chat/messages*`. Absent = every route. */
  path?: string
  /** HTTP method (any when absent). */
  method?: string
  /** Only requests of this caller: an integration id (x-integration-id), or `bot` for the bot's own (none). */
  caller?: string
  /** Wait this long before answering (alone, or before status/drop). */
  latencyMs?: number
  /** Answer with this status and a Botpress error body instead of the real handler. */
  status?: number
  /** Retry-After header in seconds (defaults to 1 with status 429). */
  retryAfterSec?: number
  /** Body of the injected answer (default: Botpress error body `{id, code, type, message}`). */
  body?: unknown
  /** Destroy the socket without answering (the client sees a network error). */
  drop?: boolean
  /** How many requests the fault fires for (unlimited when absent). */
  count?: number
  /** Chance (0..1) that a matching request is faulted. */
  probability?: number
}
export type Fault = FaultSpec & { id: number; fired: number }

export type LoggedRequest = {
  seq: number
  time: string
  method: string
  path: string
  query: Record<string, unknown>
  /** x-bot-id, x-integration-id, x-integration-alias, content-type, and whether Authorization was present. */
  headers: Record<string, string>
  body: unknown
  status: number
  durationMs: number
  faultId?: number
  /** Botpress error type when the answer was an error. */
  errorType?: string
}

type WithCreator<T> = T & { createdBy: CreatedBy }
export type BotDump = {
  users: WithCreator<User>[]
  conversations: WithCreator<Conversation & { participantIds: string[] }>[]
  messages: WithCreator<Message>[]
  events: WithCreator<BpEvent>[]
  states: WithCreator<State & { expiresAt?: string }>[]
  files: WithCreator<BpFile & { uploaded: boolean }>[]
}
export type Dump = { bots: Record<string, BotDump> }
