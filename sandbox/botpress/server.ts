import { EventEmitter } from 'node:events'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { actionRoutes, type ActionRouter } from './actions'
import type { EmulatorOptions, Ctx } from './context'
import { controlRoutes, dump, resetAll } from './control'
import { conversationRoutes } from './conversations'
import { errorBody, installErrorHandling, typeForStatus } from './errors'
import { eventRoutes, settleEvent } from './events'
import { Faults } from './faults'
import { fileRoutes } from './files'
import { messageRoutes } from './messages'
import { RequestLog } from './request-log'
import { Scheduler } from './scheduler'
import { stateRoutes } from './states'
import { Store, type BotStore } from './store'
import type { BpEvent, Dump, EmulatorEventMap, EventStatus, Fault, LoggedRequest } from './types'
import { userRoutes } from './users'

export type BotpressEmulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number
  host?: string
  /** Fastify's request logging to stdout. */
  log?: boolean
  /** Bot served when a request has no x-bot-id header (and the default of `emulator.bot()`). */
  botId?: string
  /** Page size of the list routes (default 20). */
  pageSize?: number
  /** Require `Authorization: Bearer <token>` on /v1 routes. */
  token?: string
  /** States expire when idle (reads restart the clock too) instead of `expiry` ms after the last write. */
  stateIdleExpiry?: boolean
}

export type BotpressEmulator = {
  /** Base URL, e.g. http://127.0.0.1:43125 — the apiUrl of @botpress/client (BP_API_URL). */
  url: string
  port: number
  /** In-memory objects, per bot (read them directly in tests; `dump()` gives a plain snapshot). */
  store: Store
  /** message.created, event.created, event.due, state.changed, user.created, conversation.created, … */
  events: EventEmitter<EmulatorEventMap>
  faults: Faults
  /** The objects of one bot (default: the `botId` option). */
  bot(botId?: string): BotStore
  /** For a runtime: record the outcome of delivering an event (processed, failed, ignored). */
  settleEvent(botId: string, eventId: string, status: EventStatus, failureReason?: string | null): BpEvent
  /** Who answers POST /v1/chat/actions (a runtime sets it; without one, callAction is a ResourceNotFound). */
  routeActions(router: ActionRouter | undefined): void
  requests(): LoggedRequest[]
  dump(): Dump
  reset(): void
  close(): Promise<void>
  app: FastifyInstance
}

export const DEFAULT_BOT_ID = 'bot_emulator'

const pathOf = (req: FastifyRequest) => req.url.split('?')[0] ?? req.url
const isControl = (path: string) => path.startsWith('/_emulator')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const LOGGED_HEADERS = ['x-bot-id', 'x-integration-id', 'x-integration-alias', 'x-user-id', 'content-type']

function loggedHeaders(req: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of LOGGED_HEADERS) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  if (req.headers.authorization) headers.authorization = '(present)'
  return headers
}

const loggedBody = (body: unknown): unknown => (Buffer.isBuffer(body) ? { bytes: body.length } : body)

export async function startBotpressEmulator(opts: BotpressEmulatorOptions = {}): Promise<BotpressEmulator> {
  const host = opts.host ?? '127.0.0.1'
  const options: EmulatorOptions = {
    pageSize: opts.pageSize ?? 20,
    token: opts.token,
    stateIdleExpiry: opts.stateIdleExpiry ?? false,
    defaultBotId: opts.botId,
  }
  let baseUrl = ''
  const ctx: Ctx = {
    store: new Store(),
    scheduler: new Scheduler(),
    emitter: new EventEmitter<EmulatorEventMap>(),
    faults: new Faults(),
    log: new RequestLog(),
    options,
    baseUrl: () => baseUrl,
    actions: {},
  }

  const app = Fastify({ logger: opts.log ?? false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true })
  installErrorHandling(app)

  const faultOf = new WeakMap<FastifyRequest, Fault>()
  const errorTypeOf = new WeakMap<FastifyRequest, string>()

  // Faults come first: a faulted request never reaches its handler (nor its body parser).
  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req)
    if (isControl(path)) return
    const integrationId = req.headers['x-integration-id']
    const fault = ctx.faults.take(req.method, path, typeof integrationId === 'string' ? integrationId : undefined)
    if (!fault) return
    faultOf.set(req, fault)
    if (fault.latencyMs) await sleep(fault.latencyMs)
    if (fault.drop) {
      ctx.log.add({
        seq: ctx.log.nextSeq(),
        time: new Date().toISOString(),
        method: req.method,
        path,
        query: req.query as Record<string, unknown>,
        headers: loggedHeaders(req),
        body: undefined,
        status: 0,
        durationMs: reply.elapsedTime,
        faultId: fault.id,
      })
      reply.hijack()
      req.raw.socket.destroy()
      return
    }
    if (fault.status !== undefined) {
      if (fault.status === 429 || fault.retryAfterSec !== undefined)
        reply.header('retry-after', String(fault.retryAfterSec ?? 1))
      const type = typeForStatus(fault.status)
      return reply
        .code(fault.status)
        .send(
          fault.body ??
            errorBody(type, `Injected fault #${fault.id} (Botpress emulator): HTTP ${fault.status}`, fault.status)
        )
    }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      try {
        const type = (JSON.parse(payload) as { type?: unknown }).type
        if (typeof type === 'string') errorTypeOf.set(req, type)
      } catch {
        // not JSON (storage errors)
      }
    }
    return payload
  })

  app.addHook('onResponse', async (req, reply) => {
    const path = pathOf(req)
    if (isControl(path)) return
    const entry: LoggedRequest = {
      seq: ctx.log.nextSeq(),
      time: new Date().toISOString(),
      method: req.method,
      path,
      query: { ...(req.query as Record<string, unknown>) },
      headers: loggedHeaders(req),
      body: loggedBody(req.body),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    }
    const fault = faultOf.get(req)
    if (fault) entry.faultId = fault.id
    const errorType = errorTypeOf.get(req)
    if (errorType) entry.errorType = errorType
    ctx.log.add(entry)
  })

  userRoutes(app, ctx)
  conversationRoutes(app, ctx)
  messageRoutes(app, ctx)
  eventRoutes(app, ctx)
  stateRoutes(app, ctx)
  fileRoutes(app, ctx)
  actionRoutes(app, ctx)
  controlRoutes(app, ctx)

  await app.listen({ port: opts.port ?? 0, host })
  const port = (app.server.address() as AddressInfo).port
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  baseUrl = `http://${urlHost}:${port}`

  return {
    url: baseUrl,
    port,
    store: ctx.store,
    events: ctx.emitter,
    faults: ctx.faults,
    app,
    bot: (botId = opts.botId ?? DEFAULT_BOT_ID) => ctx.store.bot(botId),
    settleEvent: (botId, eventId, status, failureReason = null) =>
      settleEvent(ctx.store.bot(botId), eventId, status, failureReason),
    routeActions: (router) => (ctx.actions.router = router),
    requests: () => ctx.log.list({}, () => true),
    dump: () => dump(ctx),
    reset: () => resetAll(ctx),
    close: async () => {
      ctx.scheduler.clear()
      await app.close()
    },
  }
}
