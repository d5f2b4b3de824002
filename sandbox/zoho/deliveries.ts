import { sign } from 'node:crypto'
import type { EmulatorContext } from './context'
import { buildEntity, type ConversationEvent, type EventExtra } from './entities'
import type { Conversation } from './model'

/**
 * Webhook deliveries: the real envelope, RSA-SHA256 over the exact body bytes in `x-siqsignature` (Base64) when the
 * webhook is secured (signed with the oldest key, "the oldest key is always in use"), a failure being a status
 * ≥ 300 or no answer within `webhookTimeoutMs`, retried `webhookMaxRetries` times every `webhookRetryIntervalMs`,
 * then kept as a failed execution.
 */

type Envelope = Record<string, unknown> & { event: string; entity_id: string; event_time: string }

/**
 * An entity given as JSON text, spliced into the body as is: an entity nested deeper than JSON.stringify can
 * recurse (a hostile delivery) can still be sent. The logs show a placeholder instead.
 */
export class RawEntity {
  constructor(readonly json: string) {}
}

const RAW_MARK = '"entity":"@@raw-entity@@"'

/** The body bytes of one attempt, and the envelope as the delivery log shows it. */
function serialise(ctx: EmulatorContext, envelope: Envelope, attempt: number): { body: string; logged: unknown } {
  const raw = envelope.entity instanceof RawEntity ? envelope.entity.json : undefined
  const shown = raw === undefined ? envelope : { ...envelope, entity: '@@raw-entity@@' }
  let json = JSON.stringify({ ...shown, attempt })
  if (ctx.settings.webhookIdsAsNumbers) json = idsAsNumbers(json)
  const logged =
    raw === undefined
      ? JSON.parse(JSON.stringify({ ...envelope, attempt }))
      : { ...shown, attempt, entity: `(raw entity, ${raw.length} bytes)` }
  return { body: raw === undefined ? json : json.replace(RAW_MARK, () => `"entity":${raw}`), logged }
}

export function dispatch(
  ctx: EmulatorContext,
  event: ConversationEvent,
  c: Conversation,
  extra: EventExtra = {}
): void {
  deliverEntity(ctx, event, c, buildEntity(ctx, event, c, extra))
}

/**
 * Delivers `entity` as `event` of chat `c` to every subscribed webhook. ((emulator-only)) Also reached through the
 * control API with an entity of the caller's making, for shapes no setting covers.
 */
export function deliverEntity(ctx: EmulatorContext, event: string, c: Conversation, entity: unknown | RawEntity): void {
  for (const w of ctx.store.webhooks.values()) {
    if (!w.enabled || !w.events.includes(event)) continue
    if (w.appIds.length > 0 && !w.appIds.includes(c.appId)) continue
    const envelope: Envelope = {
      handler: 'execution',
      entity_type: 'conversation',
      webhook: { id: w.id },
      org_id: ctx.seed.orgId,
      event,
      entity_id: c.id,
      attempt: 1,
      version: ctx.settings.webhookVersionAsString ? '1' : 1,
      app_id: c.appId,
      event_time: String(Date.now()),
      entity,
    }
    schedule(ctx, w.id, envelope)
  }
}

/** First attempt, through the webhook faults (hold / delay / duplicate). */
function schedule(ctx: EmulatorContext, webhookId: string, envelope: Envelope): void {
  const fault = ctx.faults.takeWebhook(envelope.event)
  if (fault?.action === 'hold') {
    ctx.held.push({ webhookId, envelope, attempt: 1 })
    return
  }
  const go = () => {
    void attempt(ctx, webhookId, envelope, 1, { retry: true })
    if (fault?.action === 'duplicate') void attempt(ctx, webhookId, envelope, 1, { retry: false, note: 'duplicate' })
  }
  if (fault?.action === 'delay') ctx.timers.after(fault.delayMs ?? 1000, go)
  else go()
}

/** Sends held deliveries, in order or reversed (reordering), one after the other. */
export async function releaseHeld(ctx: EmulatorContext, order: 'fifo' | 'reverse' = 'fifo'): Promise<number> {
  const list = order === 'reverse' ? [...ctx.held].reverse() : [...ctx.held]
  ctx.held = []
  for (const h of list) await attempt(ctx, h.webhookId, h.envelope as Envelope, h.attempt, { retry: true })
  return list.length
}

/** Re-runs a failed execution (`POST /webhooks/{id}/executions`): one attempt, counted as a redelivery. */
export async function retryExecution(ctx: EmulatorContext, executionId: string): Promise<boolean> {
  const ex = ctx.store.executions.get(executionId)
  if (!ex) return false
  ctx.store.executions.delete(executionId)
  return attempt(ctx, ex.webhookId, ex.envelope as Envelope, ex.attempt + 1, { retry: false, recordFailure: true })
}

/** Every numeric id as a bare JSON number (`"entity_id":11209000000003001`): beyond a double's precision. */
const idsAsNumbers = (json: string) =>
  json.replace(/"(id|entity_id|conversation_id|app_id|msgid|department_id)":"(\d{1,19})"/g, '"$1":$2')

interface AttemptOptions {
  retry: boolean
  note?: string
  recordFailure?: boolean
}

async function attempt(
  ctx: EmulatorContext,
  webhookId: string,
  envelope: Envelope,
  n: number,
  opts: AttemptOptions
): Promise<boolean> {
  const epoch = ctx.epoch
  const w = ctx.store.webhooks.get(webhookId)
  if (!w) return false
  const { body, logged } = serialise(ctx, envelope, n)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const key = w.secured ? w.keys[0] : undefined
  if (key) headers['x-siqsignature'] = sign('sha256', Buffer.from(body, 'utf8'), key.privateKey).toString('base64')
  const started = Date.now()
  let status: number | null = null
  let error: string | undefined
  try {
    const res = await fetch(w.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(ctx.settings.webhookTimeoutMs),
    })
    status = res.status
    await res.arrayBuffer().catch(() => undefined)
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } }
    error =
      err.name === 'TimeoutError'
        ? `no answer within ${ctx.settings.webhookTimeoutMs} ms`
        : (err.cause?.code ?? err.message)
  }
  if (epoch !== ctx.epoch) return false
  const ok = status !== null && status < 300
  const entry = ctx.deliveries.add({
    time: started,
    webhookId,
    url: w.url,
    event: envelope.event,
    entityId: envelope.entity_id,
    attempt: n,
    status,
    error,
    durationMs: Date.now() - started,
    signed: !!key,
    note: opts.note,
    envelope: logged as Record<string, unknown>,
    body,
  })
  ctx.events.emit('delivery', entry)
  if (ok || opts.note === 'duplicate') return ok
  if (opts.retry && n <= ctx.settings.webhookMaxRetries) {
    ctx.timers.after(ctx.settings.webhookRetryIntervalMs, () => void attempt(ctx, webhookId, envelope, n + 1, opts))
    return false
  }
  if (opts.retry || opts.recordFailure) {
    const id = ctx.store.nextId('execution')
    ctx.store.executions.set(id, {
      id,
      webhookId,
      event: envelope.event,
      entityId: envelope.entity_id,
      attempt: n,
      lastStatus: status,
      lastError: error,
      eventTime: Number(envelope.event_time),
      failedAt: Date.now(),
      envelope,
    })
  }
  return false
}
