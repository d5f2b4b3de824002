import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EmulatorContext } from './context'
import { ControlError, SiqError, siq } from './errors'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by handlers whose body is not `req.body` (multipart): what the request log shows. */
    logBody?: unknown
    startedAt?: number
  }
}

const isControl = (url: string) => url.startsWith('/_emulator')
const isAccounts = (url: string) => url.startsWith('/oauth/')

/** Body parsers that accept what Zoho's clients send: empty JSON bodies, form bodies, anything else as bytes. */
export function registerParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined)
    try {
      done(null, JSON.parse(body.toString('utf8')))
    } catch {
      done(new SiqError(1015, 'Invalid or absent input stream: the body is not valid JSON'), undefined)
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body: string, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body)))
  })
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => done(null, body))
}

/** Fault injection (before anything else) and the request log (after the answer). */
export function registerHooks(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req, reply) => {
    req.startedAt = Date.now()
    if (isControl(req.url)) return
    const path = req.url.split('?')[0]
    const f = ctx.faults.takeHttp(req.method, path)
    if (!f) return
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs))
    const note = `fault#${f.id}`
    if (f.drop || f.hang) {
      logRequest(ctx, req, null, f.drop ? `${note} drop` : `${note} hang`)
      reply.hijack()
      if (f.drop) req.raw.socket.destroy()
      return reply
    }
    if (f.status) {
      req.logBody = { fault: note }
      const retryAfter = f.retryAfterSec ?? (f.status === 429 ? 1 : undefined)
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
      if (f.location) reply.header('location', f.location)
      return reply
        .code(f.status)
        .header('x-emulator-fault', note)
        .send(
          f.body ?? {
            error: { code: f.status === 429 ? 1023 : 1001, message: `Injected fault: HTTP ${f.status} ((emulator))` },
          }
        )
    }
  })
  app.addHook('onResponse', async (req, reply) => {
    if (isControl(req.url)) return
    logRequest(ctx, req, reply.statusCode, reply.getHeader('x-emulator-fault') as string | undefined)
  })
}

function logRequest(ctx: EmulatorContext, req: FastifyRequest, status: number | null, fault?: string): void {
  const [path, qs = ''] = req.url.split('?')
  let body: unknown = req.logBody ?? req.body
  if (Buffer.isBuffer(body)) body = { bytes: body.length }
  const entry = ctx.requests.add({
    time: req.startedAt ?? Date.now(),
    method: req.method,
    path,
    query: Object.fromEntries(new URLSearchParams(qs)),
    body,
    authScheme: req.headers.authorization?.split(/\s+/)[0],
    status,
    durationMs: Date.now() - (req.startedAt ?? Date.now()),
    fault,
  })
  ctx.events.emit('request', entry)
}

/** Errors in the production shape of each area: SalesIQ envelope, Accounts `{error}`, control `{error: message}`. */
export function registerErrors(app: FastifyInstance, ctx: EmulatorContext): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply: FastifyReply) => {
    if (err instanceof ControlError) return reply.code(err.status).send({ error: err.message })
    if (isControl(req.url)) {
      // Chat rules broken through the control API (e.g. replying to an ended chat) are the caller's mistake.
      if (err instanceof SiqError) return reply.code(409).send({ error: err.message, code: err.code })
      return reply.code(err.statusCode ?? 500).send({ error: err.message })
    }
    if (isAccounts(req.url)) return reply.code(200).send({ error: 'invalid_request', error_description: err.message })
    let e: SiqError
    if (err instanceof SiqError) e = err
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = siq.contentType(String(req.headers['content-type']))
    else if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      e = new SiqError(1027, `File too large: ${err.message}`)
    else if ((err.statusCode ?? 500) < 500) e = new SiqError(1015, `Invalid or absent input stream: ${err.message}`)
    else {
      req.log.error(err)
      return reply.code(500).send({ error: { code: 1001, message: `Internal emulator error: ${err.message}` } })
    }
    return reply.code(e.isAuth ? ctx.settings.invalidTokenStatus : ctx.settings.errorStatus).send(e.toBody())
  })
  app.setNotFoundHandler((req, reply) => {
    if (isControl(req.url))
      return reply
        .code(404)
        .send({ error: `No control route ${req.method} ${req.url.split('?')[0]}; see sandbox/zoho/README.md` })
    if (isAccounts(req.url))
      return reply
        .code(404)
        .send({ error: 'invalid_request', error_description: `No Accounts route ${req.method} ${req.url}` })
    const e = siq.url(req.method, req.url.split('?')[0])
    return reply.code(404).send(e.toBody())
  })
}
