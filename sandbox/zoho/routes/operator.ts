import type { FastifyInstance } from 'fastify'
import {
  assign,
  autoAssign,
  complete,
  miss,
  operatorBecameAvailable,
  operatorReply,
  rate,
  requireOperator,
  visitorMessage,
  type MessageInput,
} from '../chat'
import type { EmulatorContext } from '../context'
import { ControlError } from '../errors'
import type { App, BusinessHoursState, Conversation, OperatorStatus } from '../model'
import { offlineMessagesView } from '../offline-messages'
import { controlConversation } from '../state'
import { initiateTransfer, resolveTransfer } from '../transfer'
import { operatorView } from '../views'
import { cbody, optString } from './control-body'

/** ((emulator-only)) The operator side: what a test, the sandbox page or a person does in the SalesIQ console. */

const C = '/_emulator'
type P = { id: string }

const STATUSES: OperatorStatus[] = ['available', 'busy', 'offline']

function conv(ctx: EmulatorContext, id: string): Conversation {
  const c = ctx.store.findConversation(id)
  if (!c) throw new ControlError(404, `No conversation '${id}' (use the numeric conversation_id or the hex visitor id)`)
  return c
}

function message(b: Record<string, unknown>): MessageInput {
  const out: MessageInput = { text: optString(b, 'text'), comment: optString(b, 'comment') }
  const f = b.file as { name?: string; contentType?: string; base64?: string } | undefined
  if (f !== undefined) {
    if (typeof f !== 'object' || !f || typeof f.base64 !== 'string')
      throw new ControlError(400, "'file' must be {name, contentType?, base64}")
    out.file = {
      name: f.name ?? 'file',
      contentType: f.contentType ?? 'application/octet-stream',
      data: Buffer.from(f.base64, 'base64'),
    }
  }
  if (!out.text && !out.file) throw new ControlError(400, "Send 'text' or 'file'")
  return out
}

/** `departmentIds` of a control body: known departments only. */
function departmentIds(ctx: EmulatorContext, b: Record<string, unknown>): string[] | undefined {
  if (b.departmentIds === undefined) return undefined
  if (!Array.isArray(b.departmentIds)) throw new ControlError(400, "'departmentIds' must be an array of ids")
  const ids = b.departmentIds.map(String)
  const unknown = ids.filter((id) => !ctx.store.departments.has(id))
  if (unknown.length) throw new ControlError(400, `Unknown department(s): ${unknown.join(', ')}`)
  return ids
}

const BUSINESS_HOURS: BusinessHoursState[] = ['off', 'open', 'closed']

/** Business hours, waiting queue and offline messages of an app (`PUT /_emulator/apps/{id}`). */
function applyAvailability(a: App, b: Record<string, unknown>): void {
  if (b.businessHours !== undefined) {
    if (!BUSINESS_HOURS.includes(b.businessHours as BusinessHoursState))
      throw new ControlError(400, `'businessHours' must be one of ${BUSINESS_HOURS.join('|')}`)
    a.businessHours = b.businessHours as BusinessHoursState
  }
  if (b.waitingQueue !== undefined) {
    const q = b.waitingQueue as { enabled?: unknown; size?: unknown }
    if (typeof q !== 'object' || q === null) throw new ControlError(400, "'waitingQueue' must be {enabled?, size?}")
    if (q.enabled !== undefined) a.waitingQueue.enabled = q.enabled === true
    if (q.size !== undefined) {
      const size = Number(q.size)
      if (!Number.isInteger(size) || size < 0) throw new ControlError(400, "'waitingQueue.size' must be an integer ≥ 0")
      a.waitingQueue.size = size
    }
  }
  if (b.offlineMessages !== undefined) a.offlineMessages = b.offlineMessages === true
}

/** An app's settings as the control API takes them (`PUT /_emulator/apps/{id}` answers this too). */
function controlApp(a: App) {
  return {
    id: a.id,
    name: a.name,
    waitingTimeSec: a.waitingTimeSec,
    chatAssignment: a.chatAssignment,
    enabled: a.enabled,
    businessHours: a.businessHours,
    waitingQueue: a.waitingQueue,
    offlineMessages: a.offlineMessages,
  }
}

export function operatorRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`${C}/operators`, async () =>
    [...ctx.store.operators.values()].map((o) => ({
      ...operatorView(o),
      status: o.status,
      active_chats: ctx.store.activeChatsOf(o.id),
    }))
  )
  app.post(`${C}/operators`, async (req) => {
    const b = cbody(req)
    const firstName = optString(b, 'firstName') ?? 'New'
    const lastName = optString(b, 'lastName') ?? 'Operator'
    const status = (optString(b, 'status') ?? 'available') as OperatorStatus
    if (!STATUSES.includes(status)) throw new ControlError(400, `'status' must be one of ${STATUSES.join('|')}`)
    const id = ctx.store.nextId('operator')
    const op = {
      id,
      firstName,
      lastName,
      nickName: firstName,
      email: optString(b, 'email') ?? `${firstName.toLowerCase()}.${id}@acme.example`,
      status,
      maxConcurrentChats: Number(b.maxConcurrentChats ?? 5),
      // By default a new operator answers for every department of every app.
      departmentIds: departmentIds(ctx, b) ?? [
        ...new Set([...ctx.store.apps.values()].flatMap((a) => a.departmentIds)),
      ],
    }
    ctx.store.operators.set(id, op)
    if (status === 'available') operatorBecameAvailable(ctx)
    return operatorView(op)
  })
  app.put<{ Params: P }>(`${C}/operators/:id`, async (req) => {
    const op = ctx.store.operators.get(req.params.id)
    if (!op) throw new ControlError(404, `No operator '${req.params.id}'`)
    const b = cbody(req)
    const status = optString(b, 'status') as OperatorStatus | undefined
    if (status !== undefined && !STATUSES.includes(status))
      throw new ControlError(400, `'status' must be one of ${STATUSES.join('|')}`)
    if (status) op.status = status
    if (b.maxConcurrentChats !== undefined) op.maxConcurrentChats = Number(b.maxConcurrentChats)
    const departments = departmentIds(ctx, b)
    if (departments) op.departmentIds = departments
    if (status === 'available' || departments) operatorBecameAvailable(ctx)
    return { ...operatorView(op), status: op.status }
  })

  app.put<{ Params: P }>(`${C}/apps/:id`, async (req) => {
    const a = ctx.store.apps.get(req.params.id)
    if (!a) throw new ControlError(404, `No app '${req.params.id}'`)
    const b = cbody(req)
    // Seconds, fractions allowed so tests can see a chat missed quickly.
    if (b.waitingTimeSec !== undefined) a.waitingTimeSec = Number(b.waitingTimeSec)
    if (b.chatAssignment !== undefined) {
      if (b.chatAssignment !== 'auto_assign' && b.chatAssignment !== 'manual')
        throw new ControlError(400, "'chatAssignment' must be auto_assign|manual")
      a.chatAssignment = b.chatAssignment
    }
    if (b.enabled !== undefined) a.enabled = b.enabled === true
    applyAvailability(a, b)
    return controlApp(a)
  })
  app.get(`${C}/apps`, async () => [...ctx.store.apps.values()].map(controlApp))

  app.get(`${C}/offline-messages`, async () => offlineMessagesView(ctx))

  app.get(`${C}/conversations`, async (req) => {
    const state = (req.query as { state?: string }).state
    return [...ctx.store.conversations.values()]
      .filter((c) => !state || c.state === state)
      .map((c) => controlConversation(ctx, c))
  })
  app.get<{ Params: P }>(`${C}/conversations/:id`, async (req) => controlConversation(ctx, conv(ctx, req.params.id)))

  app.post<{ Params: P }>(`${C}/conversations/:id/accept`, async (req) => {
    const c = conv(ctx, req.params.id)
    const opId = optString(cbody(req), 'operatorId')
    if (opId) assign(ctx, c, opId)
    else if (!autoAssign(ctx, c))
      throw new ControlError(409, `No available operator to accept conversation ${c.id} (or it is ${c.state})`)
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/reply`, async (req) => {
    const c = conv(ctx, req.params.id)
    const b = cbody(req)
    const m = operatorReply(ctx, c, optString(b, 'operatorId'), message(b))
    return { msgid: m.msgid, conversation: controlConversation(ctx, c) }
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/visitor-message`, async (req) => {
    const c = conv(ctx, req.params.id)
    const m = visitorMessage(ctx, c, message(cbody(req)))
    return { msgid: m.msgid }
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/transfer`, async (req) => {
    const c = conv(ctx, req.params.id)
    const b = cbody(req)
    const toOperatorId = optString(b, 'operatorId')
    if (toOperatorId) requireOperator(ctx, toOperatorId)
    const resolve = optString(b, 'resolve') ?? 'auto'
    initiateTransfer(
      ctx,
      c,
      { toDepartmentId: optString(b, 'departmentId') ?? c.departmentId, toOperatorId, note: optString(b, 'note') },
      resolve === 'auto' ? ctx.settings.autoAssignDelayMs : null
    )
    if (resolve === 'accept' || resolve === 'reject') resolveTransfer(ctx, c, resolve === 'accept')
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/transfer/accept`, async (req) => {
    const c = conv(ctx, req.params.id)
    resolveTransfer(ctx, c, true, optString(cbody(req), 'operatorId'))
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/transfer/reject`, async (req) => {
    const c = conv(ctx, req.params.id)
    resolveTransfer(ctx, c, false, undefined, optString(cbody(req), 'reason'))
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/complete`, async (req) => {
    const c = conv(ctx, req.params.id)
    complete(ctx, c, optString(cbody(req), 'endedBy') ?? 'agent')
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/miss`, async (req) => {
    const c = conv(ctx, req.params.id)
    miss(ctx, c)
    return controlConversation(ctx, c)
  })
  app.post<{ Params: P }>(`${C}/conversations/:id/rate`, async (req) => {
    const c = conv(ctx, req.params.id)
    const b = cbody(req)
    rate(ctx, c, b.rating === undefined ? undefined : Number(b.rating), optString(b, 'feedback'))
    return controlConversation(ctx, c)
  })
}
