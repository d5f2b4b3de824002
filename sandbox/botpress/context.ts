import type { EventEmitter } from 'node:events'
import type { FastifyRequest } from 'fastify'
import { ApiError, invalid } from './errors'
import type { ActionRouter } from './actions'
import type { Faults } from './faults'
import type { RequestLog } from './request-log'
import type { Scheduler } from './scheduler'
import type { BotStore, Store } from './store'
import type { Caller, EmulatorEventMap, Tags } from './types'

export type EmulatorOptions = {
  /** Page size of every list route (small by default so that callers' pagination is exercised). */
  pageSize: number
  /** When set, every /v1 request must carry `Authorization: Bearer <token>`. */
  token?: string
  /** Real docs say a state expires when *idle*; by default only writes restart the clock ((emulator choice)). */
  stateIdleExpiry: boolean
  /** Bot used when a request carries no x-bot-id (none: such a request is rejected with InvalidPayload). */
  defaultBotId?: string
}

/** What every route module receives. */
export type Ctx = {
  store: Store
  scheduler: Scheduler
  emitter: EventEmitter<EmulatorEventMap>
  faults: Faults
  log: RequestLog
  options: EmulatorOptions
  /** Base URL the emulator is reachable at (for file urls), known once it listens. */
  baseUrl: () => string
  /** Who answers POST /v1/chat/actions (set by a runtime). */
  actions: { router?: ActionRouter }
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value || undefined
}

/** The caller's identity from the headers the Botpress client sends (x-bot-id is mandatory). */
export function callerOf(req: FastifyRequest, options: EmulatorOptions): Caller {
  if (options.token !== undefined && header(req, 'authorization') !== `Bearer ${options.token}`) {
    throw new ApiError(
      'Unauthorized',
      'Missing or wrong "Authorization: Bearer <token>" header (Botpress emulator started with a token)'
    )
  }
  const botId = header(req, 'x-bot-id') ?? options.defaultBotId
  if (!botId)
    throw invalid(
      'Missing required header "x-bot-id": every Botpress API call is made for one bot (set botId on the client, or BP_BOT_ID)'
    )
  return { botId, integrationId: header(req, 'x-integration-id'), integrationAlias: header(req, 'x-integration-alias') }
}

export function botOf(req: FastifyRequest, ctx: Ctx): { bot: BotStore; caller: Caller } {
  const caller = callerOf(req, ctx.options)
  return { bot: ctx.store.bot(caller.botId), caller }
}

/** `tags.k=v` query parameters (the client serialises with qs allowDots) as a tag filter. */
export function tagQuery(query: unknown): Tags {
  const tags: Tags = {}
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith('tags.')) continue
    tags[key.slice(5)] = Array.isArray(value) ? String(value[0]) : String(value)
  }
  return tags
}

export const queryList = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]

export const hasTags = (tags: Tags, wanted: Tags): boolean => Object.entries(wanted).every(([k, v]) => tags[k] === v)

/**
 * getOrCreate matching: with discriminateByTags the listed tags must be equal; without it, all the given tags.
 * An empty set of discriminating tags matches nothing (a new object is created) ((emulator choice)).
 */
export function discriminator(tags: Tags, discriminateByTags: string[] | undefined): Tags {
  if (!discriminateByTags) return tags
  const picked: Tags = {}
  for (const key of discriminateByTags) {
    if (tags[key] === undefined)
      throw invalid(`discriminateByTags names tag "${key}", which is not among the given tags`)
    picked[key] = tags[key]
  }
  return picked
}

export function findByTags<T extends { tags: Tags }>(
  items: Iterable<T>,
  wanted: Tags,
  extra: (item: T) => boolean = () => true
): T | undefined {
  if (Object.keys(wanted).length === 0) return undefined
  for (const item of items) if (extra(item) && hasTags(item.tags, wanted)) return item
  return undefined
}

/** Merge tag/attribute updates; a null or empty value removes the key (as the API documents for tags). */
export function mergeRecord(
  current: Record<string, string> | undefined,
  update: Record<string, string | null> | undefined
): Record<string, string> {
  const merged = { ...(current ?? {}) }
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === null || v === '') delete merged[k]
    else merged[k] = v
  }
  return merged
}

/** Offset pagination behind an opaque nextToken. */
export function paginate<T>(
  items: T[],
  nextToken: unknown,
  pageSize: number
): { page: T[]; meta: { nextToken?: string } } {
  let offset = 0
  if (nextToken !== undefined && nextToken !== '') {
    offset = Number(
      Buffer.from(String(nextToken), 'base64url')
        .toString('utf8')
        .replace(/^offset:/, '')
    )
    if (!Number.isInteger(offset) || offset < 0)
      throw new ApiError(
        'InvalidQuery',
        `Invalid nextToken "${String(nextToken)}": pass back the meta.nextToken of the previous page`
      )
  }
  const page = items.slice(offset, offset + pageSize)
  const next =
    offset + pageSize < items.length ? Buffer.from(`offset:${offset + pageSize}`).toString('base64url') : undefined
  return { page, meta: next ? { nextToken: next } : {} }
}

/** Listing order: newest first unless sortDirection=asc (listMessages is newest first on the real API). */
export function sorted<T extends { createdAt: string; updatedAt?: string }>(
  items: Iterable<T>,
  query: Record<string, unknown>
): T[] {
  const list = [...items] // insertion order = creation order
  const field = query.sortField === 'updatedAt' ? 'updatedAt' : 'createdAt'
  if (field === 'updatedAt') list.sort((a, b) => (a.updatedAt ?? '').localeCompare(b.updatedAt ?? ''))
  return query.sortDirection === 'asc' ? list : list.reverse()
}
