import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SCOPES, authorize } from '../auth'
import { complete, operatorReply } from '../chat'
import type { EmulatorContext } from '../context'
import { attachmentUrl } from '../entities'
import { siq } from '../errors'
import type { ChatState } from '../model'
import { initiateTransfer } from '../transfer'
import { appView, conversationView, departmentView, messageView, operatorView } from '../views'
import { jsonBody, readMessage, requireStr, str } from './body'
import { findConv } from './visitor'

/** REST API v2 (operator/admin side): `/api/v2/{screen}/…`, success envelope `{url, object, data}`. */

const R = '/api/v2/:screen'
type P = { screen: string; id: string }
type Q = Record<string, string | undefined>

const envelope = (req: FastifyRequest, object: string, data: unknown) => ({ url: req.url.split('?')[0], object, data })

/** `index` (1-based page) and `limit` (default 20) — departments document 20 per page. */
function page<T>(items: T[], q: Q, size = 20): T[] {
  const limit = Math.max(1, Math.min(100, Number(q.limit ?? size) || size))
  const index = Math.max(1, Number(q.index ?? 1) || 1)
  return items.slice((index - 1) * limit, index * limit)
}

const STATUS_FILTER: Record<string, ChatState[]> = {
  open: ['waiting', 'connected'],
  closed: ['ended', 'missed'],
  waiting: ['waiting'],
  connected: ['connected'],
  missed: ['missed'],
  end: ['ended'],
  ended: ['ended'],
}

export function restRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`${R}/apps`, async (req) => {
    authorize(ctx, req, SCOPES.appsRead)
    return envelope(
      req,
      'list',
      [...ctx.store.apps.values()].map((a) => appView(a, ctx.store, ctx.settings))
    )
  })
  app.get<{ Params: P }>(`${R}/apps/:id`, async (req) => {
    authorize(ctx, req, SCOPES.appsRead)
    const a = ctx.store.apps.get(req.params.id)
    if (!a) throw siq.resource('app', req.params.id)
    return envelope(req, 'app', appView(a, ctx.store, ctx.settings))
  })

  app.get(`${R}/departments`, async (req) => {
    authorize(ctx, req, SCOPES.deptRead)
    return envelope(req, 'list', page([...ctx.store.departments.values()].map(departmentView), req.query as Q))
  })
  app.get<{ Params: P }>(`${R}/departments/:id`, async (req) => {
    authorize(ctx, req, SCOPES.deptRead)
    const d = ctx.store.departments.get(req.params.id)
    if (!d) throw siq.department(req.params.id, 'does not exist')
    return envelope(req, 'department', departmentView(d))
  })

  app.get(`${R}/operators`, async (req) => {
    authorize(ctx, req, SCOPES.opsRead)
    return envelope(
      req,
      'list',
      [...ctx.store.operators.values()].map((o) => operatorView(o, ctx.settings))
    )
  })
  app.get<{ Params: P }>(`${R}/operators/:id`, async (req) => {
    authorize(ctx, req, SCOPES.opsRead)
    const o = ctx.store.operators.get(req.params.id)
    if (!o) throw siq.operator(req.params.id, 'no such operator in this portal')
    return envelope(req, 'operator', operatorView(o, ctx.settings))
  })

  app.get(`${R}/conversations`, async (req) => {
    authorize(ctx, req, SCOPES.convRead)
    const q = req.query as Q
    let list = [...ctx.store.conversations.values()].reverse()
    if (q.status) {
      const states = q.status.split(',').flatMap((s) => STATUS_FILTER[s.trim()] ?? [])
      if (states.length === 0) throw siq.param('status', `must be one of ${Object.keys(STATUS_FILTER).join('|')}`)
      list = list.filter((c) => states.includes(c.state))
    }
    if (q.app_id) list = list.filter((c) => c.appId === q.app_id)
    if (q.department_id) list = list.filter((c) => c.departmentId === q.department_id)
    return envelope(
      req,
      'list',
      page(list, q).map((c) => conversationView(c, ctx.store))
    )
  })
  app.get<{ Params: P }>(`${R}/conversations/:id`, async (req) => {
    authorize(ctx, req, SCOPES.convRead)
    return envelope(req, 'conversation', conversationView(findConv(ctx, req.params.id), ctx.store))
  })
  app.get<{ Params: P }>(`${R}/conversations/:id/messages`, async (req) => {
    authorize(ctx, req, SCOPES.convRead)
    const c = findConv(ctx, req.params.id)
    return envelope(
      req,
      'list',
      c.messages.map((m) => messageView(m, (f) => attachmentUrl(ctx, c, f), ctx.settings))
    )
  })
  app.post<{ Params: P }>(`${R}/conversations/:id/messages`, async (req) => {
    authorize(ctx, req, SCOPES.convCreate)
    const c = findConv(ctx, req.params.id)
    const m = operatorReply(ctx, c, undefined, await readMessage(ctx, req))
    return envelope(
      req,
      'message',
      messageView(m, (f) => attachmentUrl(ctx, c, f), ctx.settings)
    )
  })

  // Documented path; method not printed — the one public caller uses POST with no body. Accept PUT too.
  const close = async (req: FastifyRequest<{ Params: P }>) => {
    authorize(ctx, req, SCOPES.convUpdate)
    const c = findConv(ctx, req.params.id)
    complete(ctx, c, 'agent')
    return envelope(req, 'conversation', conversationView(c, ctx.store))
  }
  app.post(`${R}/conversations/:id/close`, close)
  app.put(`${R}/conversations/:id/close`, close)

  app.put<{ Params: P }>(`${R}/conversations/:id/transfer`, async (req) => {
    authorize(ctx, req, SCOPES.convUpdate)
    const c = findConv(ctx, req.params.id)
    const b = jsonBody(req)
    initiateTransfer(
      ctx,
      c,
      { toDepartmentId: requireStr(b, 'department_id'), toOperatorId: str(b.operator_id), note: str(b.note) },
      ctx.settings.autoAssignDelayMs
    )
    return envelope(req, 'conversation', conversationView(c, ctx.store))
  })

  // Attachment links of operator files (Zobot shape). Inference: they need the OAuth header, unless attachmentUrlsPublic.
  app.get<{ Params: { screen: string; key: string } }>(`${R}/attachments/:key`, async (req, reply) => {
    if (!ctx.settings.attachmentUrlsPublic) authorize(ctx, req, SCOPES.convRead)
    const f = ctx.store.fileByKey(req.params.key)
    if (!f) throw siq.resource('attachment', req.params.key)
    return reply
      .type(f.contentType)
      .header('content-disposition', `attachment; filename="${encodeURIComponent(f.name)}"`)
      .send(f.data)
  })
}
