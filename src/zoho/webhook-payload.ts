import { z } from '@botpress/sdk'
import { isSafeNumber, parse as parseLossless } from 'lossless-json'

/**
 * SalesIQ webhook deliveries (reference §5, Addendum A2). Real traffic differs from the docs (numbers as strings,
 * `version` 1 or "1", undocumented extra fields, lower-cased emails, attachment shapes that are not documented at all),
 * so only what routing needs is required — the event name and the chat id — and every other field degrades to
 * `undefined` instead of rejecting the delivery. `parseDelivery` never throws.
 */

const text = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)))
  .catch(undefined)

const id = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => v.length > 0)

const optId = id
  .nullish()
  .catch(undefined)
  .transform((v) => v ?? undefined)

const num = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : Number(v)))
  .transform((v) => (v !== undefined && Number.isFinite(v) ? v : undefined))
  .catch(undefined)

const person = z
  .object({ id: optId, name: text, email: text, email_id: text, type: text })
  .passthrough()
  .nullish()
  .catch(undefined)

const record = z.record(z.unknown()).nullish().catch(undefined)

const message = z
  .object({
    msgid: optId,
    id: optId,
    text,
    type: text,
    sender: person,
    file: z
      .union([z.string(), z.record(z.unknown())])
      .nullish()
      .catch(undefined),
    attachments: z.unknown(),
    attachment: z.unknown(),
    comment: text,
    meta: record,
  })
  .passthrough()
  .nullish()
  .catch(undefined)

export const entitySchema = z
  .object({
    id: optId,
    conversation_id: optId,
    visitor_conversation_id: optId,
    owner: person,
    attender: person,
    accepted_by: person,
    transfer_to: person,
    message,
    meta: record,
    status: text,
    ended_by: text,
    rating: num,
    feedback: text,
  })
  .passthrough()

export const envelopeSchema = z
  .object({
    event: z.string().trim().min(1),
    entity_id: optId,
    event_time: num,
    attempt: num,
    version: text,
    app_id: optId,
    webhook: z.object({ id: optId }).passthrough().nullish().catch(undefined),
    entity: entitySchema.nullish().catch(undefined),
  })
  .passthrough()

export type Entity = z.infer<typeof entitySchema>
export type Person = { id: string; name?: string; email?: string; type?: string }
export type Attachment = { name?: string; url?: string; contentType?: string; size?: number }
export type OperatorMessage = {
  /** SalesIQ's message id when the payload has one (dedupes redeliveries). */
  id?: string
  text: string
  sender?: Person
  attachments: Attachment[]
}

/**
 * Reads a delivery body without rounding: some deliveries carry ids as JSON numbers of 17–19 digits, which
 * `JSON.parse` rounds (11209000000003001 → 11209000000003000). Numbers that do not fit a double stay strings.
 * The lossless parser recurses; for a body nested too deep for it, the native parser (iterative) takes over —
 * such a body is hostile or broken anyway, and its ids, strings in real traffic, are not affected.
 */
export function parseJson(body: string): unknown {
  try {
    return parseLossless(body, null, (n) => (isSafeNumber(n) ? Number(n) : n))
  } catch {
    return JSON.parse(body)
  }
}

export type Delivery = {
  event: string
  /** Numeric SalesIQ conversation id (`entity_id`, else `entity.id` / `entity.conversation_id`). */
  chatId: string
  visitorChatId?: string
  /** Epoch ms; 0 when the delivery carries no time at all. */
  eventTime: number
  attempt: number
  appId?: string
  webhookId?: string
  entity: Entity
}

export type ParseResult = { ok: true; delivery: Delivery } | { ok: false; reason: string }

export function parseDelivery(body: string | undefined): ParseResult {
  try {
    if (!body || !body.trim()) return { ok: false, reason: 'empty body' }
    let json: unknown
    try {
      json = parseJson(body)
    } catch {
      return { ok: false, reason: 'body is not JSON' }
    }
    const parsed = envelopeSchema.safeParse(json)
    if (!parsed.success) return { ok: false, reason: 'not a SalesIQ webhook delivery (no event)' }
    const envelope = parsed.data
    const entity: Entity = envelope.entity ?? {}
    const chatId = envelope.entity_id ?? entity.id ?? entity.conversation_id
    if (!chatId) return { ok: false, reason: 'delivery names no conversation (entity_id)' }
    const eventTime =
      envelope.event_time ?? num.parse(entity.attended_time) ?? num.parse(entity.last_modified_time) ?? 0
    return {
      ok: true,
      delivery: {
        event: envelope.event,
        chatId,
        visitorChatId: entity.visitor_conversation_id,
        eventTime,
        attempt: envelope.attempt ?? 1,
        appId: envelope.app_id,
        webhookId: envelope.webhook?.id,
        entity,
      },
    }
  } catch {
    return { ok: false, reason: 'unreadable delivery' }
  }
}

const toPerson = (p: z.infer<typeof person>): Person | undefined =>
  p?.id ? { id: p.id, name: p.name?.trim() || undefined, email: p.email ?? p.email_id, type: p.type } : undefined

/**
 * The operator who now owns the chat. Transfer payloads are undocumented (A2): "Accepted By" is tried first, then the
 * transfer target, then the owner/attender that `attender.updated` carries. Bots (Zobot) are not operators.
 */
export function newOwner(entity: Entity, event: string): Person | undefined {
  const candidates = event.includes('transfer')
    ? [entity.accepted_by, entity.transfer_to, entity.owner, entity.attender]
    : [entity.owner, entity.attender]
  for (const candidate of candidates) {
    const found = toPerson(candidate)
    if (found && found.type?.toLowerCase() !== 'bot') return found
  }
  return undefined
}

/**
 * Where an operator file may sit (A2, A8: no real sample was ever seen). Order matters only for the dedupe.
 * Each place is read whatever its type (object, array of objects, URL string).
 */
const FILE_PLACES = ['file', 'files', 'attachment', 'attachments'] as const

/** The message of an `operator.replied` (or `visitor.replied`) entity, with every attachment shape of A2. */
export function messageOf(entity: Entity): OperatorMessage | undefined {
  const m = entity.message
  if (!m) return undefined
  const meta = m.meta ?? {}
  const places: unknown[] = [
    ...FILE_PLACES.map((k) => m[k]),
    ...FILE_PLACES.map((k) => meta[k]),
    looksLikeFile(meta) ? meta : undefined,
    ...FILE_PLACES.map((k) => entity.meta?.[k]),
  ]
  const attachments = attachmentsIn(places)
  if (!attachments.length && (/^(file|image|attachment|audio|video)$/i.test(m.type ?? '') || looksLikeFile(m)))
    attachments.push(
      ...attachmentsIn({
        url: m.url ?? m.file_url,
        name: m.name ?? m.file_name,
        content_type: m.content_type ?? m.contenttype,
        size: m.size ?? m.file_size,
      })
    )
  const body = m.text?.trim() || m.comment?.trim() || ''
  return {
    id: m.msgid ?? m.id,
    text: body,
    sender: toPerson(m.sender),
    attachments: dedupe(attachments),
  }
}

/** An object that is a file itself: a URL (`url`, `file_url`), or a file name next to a size or a content type. */
const looksLikeFile = (v: unknown): boolean =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  ('url' in v ||
    'file_url' in v ||
    'file_name' in v ||
    ('name' in v && ('size' in v || 'content_type' in v || 'contenttype' in v)))

/** Files are looked for this deep in nested arrays, and no more are read: a hostile body cannot exhaust the stack. */
const MAX_NESTING = 8
export const MAX_ATTACHMENTS_READ = 10_000

/** Every file in `value` (an object, an array — nested or not — or a URL string), in order, without recursion. */
function attachmentsIn(value: unknown): Attachment[] {
  const found: Attachment[] = []
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }]
  let visited = 0
  while (stack.length && visited++ < MAX_ATTACHMENTS_READ) {
    const next = stack.pop()!
    if (Array.isArray(next.value)) {
      if (next.depth >= MAX_NESTING) continue
      const items = next.value.slice(0, MAX_ATTACHMENTS_READ)
      for (let i = items.length - 1; i >= 0; i--) stack.push({ value: items[i], depth: next.depth + 1 })
      continue
    }
    const one = attachmentOf(next.value)
    if (one) found.push(one)
  }
  return found
}

function attachmentOf(value: unknown): Attachment | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return /^https?:\/\//i.test(value.trim()) ? { url: value.trim() } : undefined
  if (typeof value !== 'object') return undefined
  const o = value as Record<string, unknown>
  const str = (v: unknown) =>
    typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined
  const url = str(o.url) ?? str(o.file_url) ?? str(o.download_url) ?? str(o.link)
  const name = str(o.name) ?? str(o.file_name) ?? str(o.filename) ?? str(o.dname) ?? str(o.title)
  if (!url && !name) return undefined
  const size = Number(o.size ?? o.file_size)
  const type = str(o.contenttype) ?? str(o.content_type) ?? str(o.contentType) ?? str(o.mime_type) ?? str(o.type)
  const safeUrl = url && /^https?:\/\//i.test(url) ? url : undefined
  if (!safeUrl && !name) return undefined
  return {
    ...(safeUrl ? { url: safeUrl } : {}),
    ...(name ? { name } : {}),
    ...(type && type.includes('/') ? { contentType: type.toLowerCase() } : {}),
    ...(Number.isFinite(size) && size >= 0 && o.size !== '' ? { size } : {}),
  }
}

const dedupe = (list: Attachment[]) => {
  const seen = new Set<string>()
  return list.filter((a) => {
    const key = `${a.url ?? ''}|${a.name ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The shape of a value — keys and value types, never values — for a log line a user can safely paste into a bug
 * report when a message cannot be read. Bounded in depth and width.
 */
export function shapeOf(value: unknown, depth = 0): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    if (depth >= 4) return '[…]'
    const kinds = [...new Set(value.slice(0, 20).map((v) => shapeOf(v, depth + 1)))]
    return `[${kinds.slice(0, 3).join(' | ')}${kinds.length > 3 ? ' | …' : ''}]`
  }
  if (typeof value !== 'object') return typeof value
  if (depth >= 4) return '{…}'
  const keys = Object.keys(value as object).sort()
  const parts = keys
    .slice(0, 30)
    .map(
      (k) => `${k.replace(/[^\w.-]/g, '?').slice(0, 40)}: ${shapeOf((value as Record<string, unknown>)[k], depth + 1)}`
    )
  return `{${parts.join(', ')}${keys.length > 30 ? ', …' : ''}}`
}
