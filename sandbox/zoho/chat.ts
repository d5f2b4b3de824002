import type { EmulatorContext } from './context'
import { dispatch } from './deliveries'
import { siq } from './errors'
import { hex, wmsChatId } from './ids'
import type { ChatMessage, Conversation, Operator } from './model'
import { operatorName } from './seed'

/**
 * The life of a chat, shared by the visitor API, the REST API and the operator control API:
 * waiting → connected (auto-assigned after `autoAssignDelayMs`, or accepted by hand) → ended,
 * or waiting → missed after the app's `waiting_time` (or the chat's `custom_wait_time`).
 * Each step delivers its webhook event.
 */

export interface OpenInput {
  appId: string
  departmentId: string
  question: string
  visitor: { userId: string; name?: string; email?: string; phone?: string; extra: Record<string, unknown> }
  customerInfo?: Record<string, unknown>
  customWaitTimeSec?: number
  leftMessage?: boolean
}

export interface MessageInput {
  text?: string
  comment?: string
  file?: { name: string; contentType: string; data: Buffer }
}

/** Code and wording of "this chat is over" (settings: Zoho documents none). */
const endedError = (ctx: EmulatorContext) =>
  [ctx.settings.endedChatErrorCode, ctx.settings.endedChatErrorMessage] as const

export function openConversation(ctx: EmulatorContext, input: OpenInput): Conversation {
  const { store } = ctx
  const now = Date.now()
  let visitor = store.visitorByUserId(input.visitor.userId)
  if (!visitor) {
    visitor = { id: store.nextId('visitor'), userId: input.visitor.userId, name: 'Unknown User', extra: {} }
    store.addVisitor(visitor)
  }
  // SalesIQ keeps the visitor of an earlier visit and echoes what it stored, updated with what was sent now.
  if (input.visitor.name) visitor.name = input.visitor.name
  if (input.visitor.email) visitor.email = input.visitor.email
  if (input.visitor.phone) visitor.phone = input.visitor.phone
  visitor.extra = { ...visitor.extra, ...input.visitor.extra }
  const c: Conversation = {
    id: store.nextId('conversation'),
    // Real traffic (A8): visitor conversation ids of 64 hex characters, chat ids of 96.
    visitorConversationId: hex(32),
    wmsChatId: wmsChatId(ctx.seed.orgId),
    chatId: hex(48),
    referenceId: String(store.conversations.size + 1),
    appId: input.appId,
    departmentId: input.departmentId,
    question: input.question,
    visitorId: visitor.id,
    customerInfo: input.customerInfo,
    customWaitTimeSec: input.customWaitTimeSec,
    state: input.leftMessage ? 'missed' : 'waiting',
    participants: [],
    startTime: now,
    lastModified: now,
    transferAttempts: 0,
    leftMessage: input.leftMessage,
    messages: [],
  }
  if (input.leftMessage) c.missedTime = now
  store.addConversation(c)
  ctx.changed(input.leftMessage ? 'message.left' : 'opened', c.id)
  if (input.leftMessage) return c
  dispatch(ctx, 'conversation.created', c)
  const app = store.apps.get(c.appId)
  if (app?.chatAssignment === 'auto_assign') ctx.timers.after(ctx.settings.autoAssignDelayMs, () => autoAssign(ctx, c))
  const waitSec = c.customWaitTimeSec ?? app?.waitingTimeSec ?? 60
  ctx.timers.after(waitSec * 1000, () => {
    if (c.state === 'waiting' && ctx.store.conversations.get(c.id) === c) miss(ctx, c)
  })
  return c
}

/** Like SalesIQ's auto_assign: the available operator with the fewest chats, below their concurrency cap. */
export function autoAssign(ctx: EmulatorContext, c: Conversation, exclude?: string): Operator | undefined {
  if (c.state !== 'waiting' || ctx.store.conversations.get(c.id) !== c) return undefined
  const op = pickOperator(ctx, exclude, c.departmentId)
  if (op) assign(ctx, c, op.id)
  return op
}

/** With a department, only its members are candidates (SalesIQ routes a chat within its department). */
function pickOperator(ctx: EmulatorContext, exclude?: string, departmentId?: string): Operator | undefined {
  const free = [...ctx.store.operators.values()]
    .filter((o) => !departmentId || o.departmentIds.includes(departmentId))
    .filter((o) => o.status === 'available' && o.id !== exclude && ctx.store.activeChatsOf(o.id) < o.maxConcurrentChats)
    .sort((a, b) => ctx.store.activeChatsOf(a.id) - ctx.store.activeChatsOf(b.id))
  return free[0]
}

/** When an operator comes online, the waiting chats of auto-assigning apps are routed again. */
export function operatorBecameAvailable(ctx: EmulatorContext): void {
  for (const c of ctx.store.conversations.values()) {
    if (c.state === 'waiting' && ctx.store.apps.get(c.appId)?.chatAssignment === 'auto_assign') {
      ctx.timers.after(ctx.settings.autoAssignDelayMs, () => autoAssign(ctx, c))
    }
  }
}

export function requireOperator(ctx: EmulatorContext, id: string): Operator {
  const op = ctx.store.operators.get(id)
  if (!op) throw siq.operator(id, 'no such operator in this portal')
  return op
}

export function assign(ctx: EmulatorContext, c: Conversation, operatorId: string): void {
  requireOperator(ctx, operatorId)
  if (c.state !== 'waiting') throw siq.ended(c.id, c.state, ...endedError(ctx))
  const now = Date.now()
  c.state = 'connected'
  c.attenderId = operatorId
  if (!c.participants.includes(operatorId)) c.participants.push(operatorId)
  c.attendedTime = now
  c.lastModified = now
  ctx.changed('assigned', c.id, { operatorId })
  dispatch(ctx, 'conversation.attender.updated', c)
}

function requireOpen(ctx: EmulatorContext, c: Conversation): void {
  if (c.state === 'ended' || c.state === 'missed') throw siq.ended(c.id, c.state, ...endedError(ctx))
}

function addMessage(
  ctx: EmulatorContext,
  c: Conversation,
  sender: ChatMessage['sender'],
  input: MessageInput
): ChatMessage {
  const m: ChatMessage = {
    msgid: ctx.store.nextId('message'),
    time: Date.now(),
    sender,
    text: input.text ?? '',
    comment: input.comment,
  }
  if (input.file) {
    const id = hex(8)
    ctx.store.addFile({
      id,
      key: hex(16),
      name: input.file.name,
      contentType: input.file.contentType,
      size: input.file.data.length,
      data: input.file.data,
    })
    m.file = { fileId: id, name: input.file.name, contentType: input.file.contentType, size: input.file.data.length }
  }
  c.messages.push(m)
  c.lastModified = m.time
  return m
}

export function operatorReply(
  ctx: EmulatorContext,
  c: Conversation,
  operatorId: string | undefined,
  input: MessageInput
): ChatMessage {
  requireOpen(ctx, c)
  const opId = operatorId ?? c.attenderId ?? pickOperator(ctx)?.id ?? [...ctx.store.operators.keys()][0]
  const op = requireOperator(ctx, opId)
  if (c.state === 'waiting') assign(ctx, c, op.id) // answering a waiting chat picks it up
  const m = addMessage(ctx, c, { id: op.id, name: operatorName(op), type: 'operator' }, input)
  ctx.changed('operator.message', c.id, { msgid: m.msgid, text: m.text, file: m.file?.name })
  dispatch(ctx, 'conversation.operator.replied', c, { message: m })
  return m
}

export function visitorMessage(ctx: EmulatorContext, c: Conversation, input: MessageInput): ChatMessage {
  requireOpen(ctx, c)
  const v = ctx.store.visitors.get(c.visitorId)
  const m = addMessage(ctx, c, { id: c.visitorId, name: v?.name ?? 'Unknown User', type: 'visitor' }, input)
  ctx.changed('visitor.message', c.id, { msgid: m.msgid, text: m.text, file: m.file?.name })
  dispatch(ctx, 'conversation.visitor.replied', c, { message: m })
  return m
}

/** Returns false when the chat was already closed and the setting says closing again is idempotent. */
export function complete(ctx: EmulatorContext, c: Conversation, endedBy: string): boolean {
  if (c.state === 'ended' || c.state === 'missed') {
    if (ctx.settings.closeClosedConversation === 'idempotent') return false
    throw siq.ended(c.id, c.state, ...endedError(ctx))
  }
  const now = Date.now()
  c.state = 'ended'
  c.endTime = now
  c.endedBy = endedBy
  c.lastModified = now
  c.pendingTransfer = undefined
  ctx.changed('completed', c.id, { endedBy })
  dispatch(ctx, 'conversation.completed', c)
  return true
}

export function miss(ctx: EmulatorContext, c: Conversation): void {
  if (c.state !== 'waiting') throw siq.ended(c.id, c.state, ...endedError(ctx))
  const now = Date.now()
  c.state = 'missed'
  c.missedTime = now
  c.lastModified = now
  ctx.changed('missed', c.id)
  dispatch(ctx, 'conversation.missed', c)
}

export function rate(
  ctx: EmulatorContext,
  c: Conversation,
  rating: number | undefined,
  feedback: string | undefined
): void {
  if (c.state !== 'ended') throw siq.ended(c.id, `${c.state} (only ended chats can be rated)`)
  c.rating = rating
  c.feedback = feedback
  ctx.changed('rated', c.id, { rating, feedback })
  dispatch(ctx, 'conversation.rated', c)
}
