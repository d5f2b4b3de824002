import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SCOPES, authorize } from '../auth'
import { complete, miss, openConversation, visitorMessage, type OpenInput } from '../chat'
import type { EmulatorContext } from '../context'
import { attachmentUrl } from '../entities'
import { SiqError, siq } from '../errors'
import { recordOfflineMessage } from '../offline-messages'
import type { Conversation } from '../model'
import { messageView, PLAIN_MESSAGES, openedView, personView } from '../views'
import { jsonBody, readMessage, requireStr, str } from './body'

/**
 * Visitor API: v1 under `/api/visitor/v1/{screen}`, v2 under `/visitor/v2/{screen}` (no `/api` prefix).
 * v2 paths accept the numeric conversation_id or the 32-hex visitor conversation id (reference A3).
 */

const V1 = '/api/visitor/v1/:screen'
const V2 = '/visitor/v2/:screen'
type IdParams = { screen: string; id: string }

const VISITOR_KEYS = ['user_id', 'name', 'email', 'phone']

function parseOpen(ctx: EmulatorContext, b: Record<string, unknown>, textKey: 'question' | 'message'): OpenInput {
  const appId = requireStr(b, 'app_id')
  const app = ctx.store.apps.get(appId)
  if (!app) throw siq.resource('app', appId)
  const departmentId = requireStr(b, 'department_id')
  if (!ctx.store.departments.has(departmentId)) throw siq.department(departmentId, 'does not exist')
  if (!app.departmentIds.includes(departmentId))
    throw siq.department(departmentId, `is not a department of app ${appId}`)
  const question = requireStr(b, textKey)
  const v = b.visitor
  if (v === undefined) throw siq.param('visitor.user_id')
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw siq.dataType('visitor', 'an object')
  const visitor = v as Record<string, unknown>
  const userId = requireStr(visitor, 'user_id', 'visitor.user_id')
  const ci = b.customer_info
  if (ci !== undefined && (typeof ci !== 'object' || ci === null || Array.isArray(ci)))
    throw siq.dataType('customer_info', 'an object')
  let customWaitTimeSec: number | undefined
  if (b.custom_wait_time !== undefined) {
    customWaitTimeSec = Number(b.custom_wait_time)
    if (!Number.isFinite(customWaitTimeSec) || customWaitTimeSec <= 0 || customWaitTimeSec > 999) {
      throw siq.param('custom_wait_time', 'must be a number of seconds between 1 and 999')
    }
  }
  return {
    appId,
    departmentId,
    question,
    customWaitTimeSec,
    customerInfo: ci as Record<string, unknown> | undefined,
    visitor: {
      userId,
      name: str(visitor.name),
      email: str(visitor.email),
      phone: str(visitor.phone),
      extra: Object.fromEntries(Object.entries(visitor).filter(([k]) => !VISITOR_KEYS.includes(k))),
    },
  }
}

export function findConv(ctx: EmulatorContext, id: string): Conversation {
  const c = ctx.store.findConversation(id)
  if (!c) throw siq.resource('conversation', id)
  return c
}

const envelope = (req: FastifyRequest, object: string, data: unknown) => ({ url: req.url.split('?')[0], object, data })

export function visitorRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  for (const base of [V1, V2]) {
    app.post(`${base}/conversations`, async (req) => {
      authorize(ctx, req, SCOPES.convCreate)
      const c = openConversation(ctx, parseOpen(ctx, jsonBody(req), 'question'))
      const autoAssign = ctx.store.apps.get(c.appId)?.chatAssignment === 'auto_assign'
      return envelope(req, 'conversations', openedView(c, ctx.store, autoAssign))
    })
    app.post<{ Params: IdParams }>(`${base}/conversations/:id/messages`, async (req, reply) => {
      authorize(ctx, req, SCOPES.convCreate)
      const c = findConv(ctx, req.params.id)
      visitorMessage(ctx, c, await readMessage(ctx, req))
      // Real traffic: 2xx with an empty body.
      return reply.code(200).send()
    })
  }

  app.get<{ Params: IdParams }>(`${V2}/conversations/:id/messages`, async (req) => {
    authorize(ctx, req, SCOPES.convRead)
    const c = findConv(ctx, req.params.id)
    return envelope(
      req,
      'list',
      c.messages.map((m) => messageView(m, (f) => attachmentUrl(ctx, c, f), PLAIN_MESSAGES))
    )
  })

  const close = async (req: FastifyRequest<{ Params: IdParams }>) => {
    authorize(ctx, req, SCOPES.convUpdate)
    const c = findConv(ctx, req.params.id)
    complete(ctx, c, 'visitor')
    const attender = c.attenderId ? ctx.store.operators.get(c.attenderId) : undefined
    return envelope(req, 'conversation', {
      id: c.visitorConversationId,
      conversation_id: c.id,
      end_time: String(c.endTime ?? Date.now()),
      ...(attender ? { attender: personView(attender) } : {}),
      chat_status: { status_code: 2, state: 4, state_key: 'end', status_key: 'closed' },
    })
  }
  app.post(`${V2}/conversations/:id/close`, close)
  app.put(`${V2}/conversations/:id/close`, close)

  app.post<{ Params: IdParams }>(`${V2}/conversations/:id/missed`, async (req) => {
    authorize(ctx, req, SCOPES.convUpdate)
    const c = findConv(ctx, req.params.id)
    miss(ctx, c)
    return envelope(req, 'conversation', openedView(c, ctx.store, false))
  })

  // Documented as POST; the Mobilisten SDK uses PUT (reference A3): `leaveMessageMethods` says which are accepted.
  const leave = async (req: FastifyRequest) => {
    authorize(ctx, req, SCOPES.convCreate)
    const allowed = ctx.settings.leaveMessageMethods
    if (allowed !== 'both' && allowed !== req.method.toLowerCase()) throw siq.requestType(req.method)
    const input = parseOpen(ctx, jsonBody(req), 'message')
    // Undocumented refusal: its code is a setting (1016 permission denied by default).
    if (!ctx.store.apps.get(input.appId)?.offlineMessages)
      throw new SiqError(
        ctx.settings.offlineMessagesRefusalCode,
        `Permission denied: app ${input.appId} does not accept offline messages`
      )
    const c = openConversation(ctx, { ...input, leftMessage: true })
    recordOfflineMessage(ctx, c, input, req.method)
    return envelope(req, 'conversations', openedView(c, ctx.store, false))
  }
  app.post(`${V2}/conversations/leavemessage`, leave)
  app.put(`${V2}/conversations/leavemessage`, leave)
}
