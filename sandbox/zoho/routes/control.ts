import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context'
import { deliverEntity, RawEntity, releaseHeld } from '../deliveries'
import { ControlError } from '../errors'
import { httpFaultSchema, webhookFaultSchema } from '../faults'
import { filterDeliveries, filterRequests } from '../logs'
import type { SeedConfig } from '../seed'
import { settingsPatchSchema } from '../settings'
import { credentials, dumpState } from '../state'
import { invalidateAccessTokens, tokenStats } from '../tokens'
import { cbody, optString } from './control-body'

/** ((emulator-only)) Control API: reset, state, settings, tokens, faults, logs, event stream. */

const C = '/_emulator'
type Q = Record<string, string | undefined>

export interface ControlHooks {
  reset(seed?: Partial<SeedConfig>): void
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } }
  },
  v: unknown
): T {
  const r = schema.safeParse(v)
  if (!r.success)
    throw new ControlError(400, r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '))
  return r.data
}

export function controlRoutes(app: FastifyInstance, ctx: EmulatorContext, hooks: ControlHooks): void {
  app.get(C, async () => ({ ok: true, ...credentials(ctx) }))
  app.post(`${C}/reset`, async (req) => {
    hooks.reset(cbody(req).seed as Partial<SeedConfig> | undefined)
    return { ok: true, ...credentials(ctx) }
  })
  app.get(`${C}/state`, async () => dumpState(ctx))
  // ((emulator-only)) A file of a chat, as the operator console shows it (logged in, no API token needed).
  app.get<{ Params: { key: string } }>(`${C}/files/:key`, async (req, reply) => {
    const f = ctx.store.fileByKey(req.params.key)
    if (!f) throw new ControlError(404, `No file '${req.params.key}'`)
    return reply
      .type(f.contentType)
      .header('content-disposition', `inline; filename="${encodeURIComponent(f.name)}"`)
      .send(f.data)
  })

  app.get(`${C}/settings`, async () => ctx.settings)
  app.put(`${C}/settings`, async (req) => {
    ctx.settings = { ...ctx.settings, ...parse(settingsPatchSchema, cbody(req)) }
    return ctx.settings
  })

  app.get(`${C}/tokens`, async () => {
    const list = tokenStats(ctx)
    return {
      refreshRequests: list.reduce((n, t) => n + t.tokenRequests, 0),
      tokenEndpointCalls: ctx.store.tokenEndpointCalls,
      throttledUntil: ctx.faults.tokenThrottledUntil > Date.now() ? ctx.faults.tokenThrottledUntil : null,
      refreshTokens: list,
    }
  })
  app.post(`${C}/tokens/invalidate`, async (req) => ({
    invalidated: invalidateAccessTokens(ctx, optString(cbody(req), 'refreshToken')),
  }))
  app.post(`${C}/tokens/throttle`, async (req) => {
    const ms = Number(cbody(req).durationMs ?? 600_000)
    ctx.faults.tokenThrottledUntil = Date.now() + ms
    return { throttledUntil: ctx.faults.tokenThrottledUntil }
  })
  app.delete(`${C}/tokens/throttle`, async () => {
    ctx.faults.tokenThrottledUntil = 0
    ctx.store.throttle.clear()
    return { ok: true }
  })

  app.get(`${C}/faults`, async () => ({ http: ctx.faults.http, webhook: ctx.faults.webhook }))
  app.post(`${C}/faults`, async (req) => ctx.faults.addHttp(parse(httpFaultSchema, cbody(req))))
  app.post(`${C}/faults/webhooks`, async (req) => ctx.faults.addWebhook(parse(webhookFaultSchema, cbody(req))))
  app.delete(`${C}/faults`, async () => {
    ctx.faults.http = []
    ctx.faults.webhook = []
    return { ok: true }
  })
  app.delete<{ Params: { id: string } }>(`${C}/faults/:id`, async (req) => {
    const id = Number(req.params.id)
    ctx.faults.http = ctx.faults.http.filter((f) => f.id !== id)
    ctx.faults.webhook = ctx.faults.webhook.filter((f) => f.id !== id)
    return { ok: true }
  })

  app.get(`${C}/webhooks/held`, async () =>
    ctx.held.map((h) => ({ webhookId: h.webhookId, event: h.envelope.event, entityId: h.envelope.entity_id }))
  )
  app.post(`${C}/webhooks/release`, async (req) => {
    const order = optString(cbody(req), 'order') ?? 'fifo'
    if (order !== 'fifo' && order !== 'reverse') throw new ControlError(400, "'order' must be fifo|reverse")
    return { released: await releaseHeld(ctx, order) }
  })

  // A delivery of the caller's making for chat `conversationId`: `entity` (JSON), or `entityJson` (text spliced into
  // the body as is, for entities deeper than JSON.stringify can go). Signed, retried and logged like any other.
  app.post(`${C}/webhooks/deliver`, async (req) => {
    const b = cbody(req)
    const event = optString(b, 'event')
    const id = optString(b, 'conversationId')
    if (!event || !id) throw new ControlError(400, "'event' and 'conversationId' are required")
    const c = ctx.store.findConversation(id)
    if (!c) throw new ControlError(404, `No conversation '${id}'`)
    const raw = b.entityJson
    if (raw !== undefined && typeof raw !== 'string') throw new ControlError(400, "'entityJson' must be a string")
    deliverEntity(ctx, event, c, raw !== undefined ? new RawEntity(raw) : (b.entity ?? {}))
    return { ok: true }
  })

  app.get(`${C}/requests`, async (req) => filterRequests(ctx.requests.list(), req.query as Q))
  app.delete(`${C}/requests`, async () => {
    ctx.requests.clear()
    return { ok: true }
  })
  app.get(`${C}/deliveries`, async (req) => filterDeliveries(ctx.deliveries.list(), req.query as Q))
  app.delete(`${C}/deliveries`, async () => {
    ctx.deliveries.clear()
    return { ok: true }
  })

  // Server-sent events for the sandbox page's timeline.
  app.get(`${C}/events`, (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.write(': zoho emulator events\n\n')
    const send =
      (type: string) =>
      (data?: unknown): void => {
        res.write(`event: ${type}\ndata: ${JSON.stringify(data ?? {})}\n\n`)
      }
    const handlers = {
      request: send('request'),
      delivery: send('delivery'),
      conversation: send('conversation'),
      reset: send('reset'),
    }
    ctx.events.on('request', handlers.request)
    ctx.events.on('delivery', handlers.delivery)
    ctx.events.on('conversation', handlers.conversation)
    ctx.events.on('reset', handlers.reset)
    req.raw.on('close', () => {
      ctx.events.off('request', handlers.request)
      ctx.events.off('delivery', handlers.delivery)
      ctx.events.off('conversation', handlers.conversation)
      ctx.events.off('reset', handlers.reset)
    })
  })
}
