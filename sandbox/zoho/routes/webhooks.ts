import { generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SCOPES, authorize } from '../auth'
import type { EmulatorContext } from '../context'
import { retryExecution } from '../deliveries'
import { CONVERSATION_EVENTS } from '../entities'
import { SiqError, siq } from '../errors'
import type { Webhook } from '../model'
import { webhookView } from '../views'
import { jsonBody, requireStr } from './body'

/** Webhook management (reference §4 "Webhook management", A6). */

const R = '/api/v2/:screen/webhooks'
type P = { screen: string; id: string; keyId: string }

/** Events of the conversation module (reference §5). */
const KNOWN_EVENTS: string[] = [
  ...CONVERSATION_EVENTS, // the ones the emulator generates
  'conversation.participants.added',
  'conversation.participants.deleted',
  'conversation.supervisor.added',
  'conversation.message.edited',
  'conversation.message.deleted',
]
const MAX_KEYS = 2

const genRsa = promisify(generateKeyPair)
const envelope = (req: FastifyRequest, object: string, data: unknown) => ({ url: req.url.split('?')[0], object, data })

function stringList(b: Record<string, unknown>, key: string): string[] | undefined {
  const v = b[key]
  if (v === undefined) return undefined
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number'))
    throw siq.dataType(key, 'an array of strings')
  return v.map(String)
}

/** SalesIQ sends HEAD to the URL on create and update and requires HTTP 200 (5 s read timeout). */
async function headCheck(ctx: EmulatorContext, url: string): Promise<void> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw siq.param('url', `'${url}' is not a URL`)
  }
  if (ctx.settings.rejectUrlsWithPort && parsed.port)
    throw siq.param('url', 'must not carry a port number (SalesIQ cannot connect to it)')
  let status: number | string
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.settings.headCheckTimeoutMs),
    })
    status = res.status
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } }
    status =
      err.name === 'TimeoutError'
        ? `no answer within ${ctx.settings.headCheckTimeoutMs} ms`
        : (err.cause?.code ?? err.message)
  }
  // The real error code is undocumented; ((emulator)) 1011 on `url`.
  if (status !== 200)
    throw new SiqError(1011, `Invalid webhook URL: the HEAD request to ${url} must answer HTTP 200, got ${status}`, {
      json_key: 'url',
    })
}

function validate(ctx: EmulatorContext, events: string[] | undefined, appIds: string[] | undefined): void {
  for (const e of events ?? [])
    if (!KNOWN_EVENTS.includes(e)) throw siq.param('events', `contains unknown event '${e}'`)
  for (const a of appIds ?? []) if (!ctx.store.apps.has(a)) throw siq.resource('app', a)
}

function find(ctx: EmulatorContext, id: string): Webhook {
  const w = ctx.store.webhooks.get(id)
  if (!w) throw siq.resource('webhook', id)
  return w
}

export function webhookRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(R, async (req) => {
    authorize(ctx, req, SCOPES.whCreate)
    const b = jsonBody(req)
    if (requireStr(b, 'type') !== 'data') throw siq.param('type', "must be 'data'")
    const url = requireStr(b, 'url')
    const events = stringList(b, 'events')
    if (!events || events.length === 0) throw siq.param('events')
    const appIds = stringList(b, 'app_ids') ?? []
    validate(ctx, events, appIds)
    await headCheck(ctx, url)
    const now = Date.now()
    const w: Webhook = {
      id: ctx.store.nextId('webhook'),
      url,
      events,
      appIds,
      secured: b.secured === true || b.secured === 'true',
      enabled: true,
      keys: [],
      expiryForExecutionsMs:
        b.expiry_time_for_executions_data === undefined ? undefined : Number(b.expiry_time_for_executions_data),
      createdAt: now,
      modifiedAt: now,
    }
    ctx.store.webhooks.set(w.id, w)
    return envelope(req, 'webhook', webhookView(w))
  })

  app.get(R, async (req) => {
    authorize(ctx, req, SCOPES.whRead)
    return envelope(req, 'list', [...ctx.store.webhooks.values()].map(webhookView))
  })
  app.get<{ Params: P }>(`${R}/:id`, async (req) => {
    authorize(ctx, req, SCOPES.whRead)
    return envelope(req, 'webhook', webhookView(find(ctx, req.params.id)))
  })

  app.put<{ Params: P }>(`${R}/:id`, async (req) => {
    authorize(ctx, req, SCOPES.whUpdate)
    const w = find(ctx, req.params.id)
    const b = jsonBody(req)
    const events = stringList(b, 'events')
    const appIds = stringList(b, 'app_ids')
    validate(ctx, events, appIds)
    const url = typeof b.url === 'string' ? b.url : w.url
    await headCheck(ctx, url)
    w.url = url
    if (events) w.events = events
    if (appIds) w.appIds = appIds
    if (b.secured !== undefined) w.secured = b.secured === true || b.secured === 'true'
    if (b.status !== undefined) w.enabled = b.status !== 'disabled'
    w.modifiedAt = Date.now()
    return envelope(req, 'webhook', webhookView(w))
  })

  app.delete<{ Params: P }>(`${R}/:id`, async (req) => {
    authorize(ctx, req, SCOPES.whDelete)
    const w = find(ctx, req.params.id)
    ctx.store.webhooks.delete(w.id)
    return envelope(req, 'webhook', { id: w.id, deleted: true })
  })

  app.post<{ Params: P }>(`${R}/:id/keys`, async (req) => {
    authorize(ctx, req, [...SCOPES.whCreate, ...SCOPES.whUpdate])
    const w = find(ctx, req.params.id)
    if (w.keys.length >= MAX_KEYS) throw siq.limit(`a webhook has at most ${MAX_KEYS} public keys; delete one first`)
    const { publicKey, privateKey } = (await genRsa('rsa', { modulusLength: 2048 })) as {
      publicKey: KeyObject
      privateKey: KeyObject
    }
    // Bare Base64 DER SubjectPublicKeyInfo, no PEM armour (reference A1).
    const key = {
      id: ctx.store.nextId('key'),
      publicKeyB64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKey,
      createdAt: Date.now(),
    }
    w.keys.push(key)
    w.modifiedAt = Date.now()
    return envelope(req, 'webhook_key', { id: key.id, key: key.publicKeyB64, created_time: String(key.createdAt) })
  })

  app.delete<{ Params: P }>(`${R}/:id/keys/:keyId`, async (req) => {
    authorize(ctx, req, SCOPES.whDelete)
    const w = find(ctx, req.params.id)
    const i = w.keys.findIndex((k) => k.id === req.params.keyId)
    if (i < 0) throw siq.resource('webhook key', req.params.keyId)
    if (w.secured && w.keys.length === 1)
      throw new SiqError(1026, 'Last available resource: a secured webhook keeps at least one key')
    w.keys.splice(i, 1)
    return envelope(req, 'webhook_key', { id: req.params.keyId, deleted: true })
  })

  app.get<{ Params: P }>(`${R}/:id/executions`, async (req) => {
    authorize(ctx, req, SCOPES.whRead)
    const w = find(ctx, req.params.id)
    const now = Date.now()
    const list = [...ctx.store.executions.values()].filter(
      (e) =>
        e.webhookId === w.id && (w.expiryForExecutionsMs === undefined || now - e.failedAt < w.expiryForExecutionsMs)
    )
    return envelope(
      req,
      'list',
      list.map((e) => ({
        id: e.id,
        event: e.event,
        entity_id: e.entityId,
        attempt: e.attempt,
        status_code: e.lastStatus,
        error: e.lastError,
        event_time: String(e.eventTime),
        failed_time: String(e.failedAt),
        data: e.envelope,
      }))
    )
  })

  app.post<{ Params: P }>(`${R}/:id/executions`, async (req) => {
    authorize(ctx, req, [...SCOPES.whUpdate, ...SCOPES.whCreate])
    const w = find(ctx, req.params.id)
    const ids = stringList(jsonBody(req), 'ids')
    if (!ids || ids.length === 0) throw siq.param('ids')
    for (const id of ids) if (ctx.store.executions.get(id)?.webhookId !== w.id) throw siq.resource('execution', id)
    const results = []
    for (const id of ids) results.push({ id, status: (await retryExecution(ctx, id)) ? 'success' : 'failed' })
    return envelope(req, 'list', results)
  })
}
