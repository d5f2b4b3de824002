import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { botOf, type Ctx } from './context'
import { getConversation } from './conversations'
import { ApiError, invalid, notFound, validate } from './errors'
import { settingsOf } from './settings'
import { newId, now, stateKey, type BotStore, type StoredState } from './store'
import { STATE_TYPES, type Caller, type State, type StateType } from './types'
import { getUser } from './users'

type Params = { Params: { type: string; id: string; name: string } }

const payload = z.record(z.unknown())
const expiry = z.number().int().nonnegative().nullable().optional()
const setSchema = z.object({ payload: payload.nullable(), expiry })
const getOrSetSchema = z.object({ payload, expiry })
const patchSchema = z.object({ payload })
const expirySchema = z.object({ expiry: z.number().int().nonnegative().nullable() })

/** The API shape of a stored state (expiry bookkeeping stays inside). */
export const publicState = ({ expiryMs: _m, expiresAt: _a, ...state }: StoredState): State => state

type Target = { bot: BotStore; caller: Caller; key: string; type: StateType; id: string; name: string }

/** Resolve and check `/:type/:id/:name`: a conversation or user state needs that conversation or user to exist. */
function target(req: FastifyRequest<Params>, ctx: Ctx): Target {
  const { bot, caller } = botOf(req, ctx)
  const { type, id, name } = req.params
  if (!(STATE_TYPES as readonly string[]).includes(type)) {
    throw invalid(`Invalid state type "${type}": expected one of ${STATE_TYPES.join(', ')}`)
  }
  if (type === 'conversation') getConversation(bot, id)
  if (type === 'user') getUser(bot, id)
  return { bot, caller, key: stateKey(type, id, name), type: type as StateType, id, name }
}

/** Start (or restart) the expiry clock; `undefined` keeps the state's current expiry, `null` removes it. */
function arm(state: StoredState, expiryMs: number | null | undefined): void {
  if (expiryMs === null) delete state.expiryMs
  else if (expiryMs !== undefined) state.expiryMs = expiryMs
  if (state.expiryMs === undefined) delete state.expiresAt
  else state.expiresAt = Date.now() + state.expiryMs
}

function write(
  ctx: Ctx,
  t: Target,
  payload: Record<string, unknown>,
  expiryMs: number | null | undefined
): StoredState {
  const size = Buffer.byteLength(JSON.stringify(payload))
  const max = settingsOf(ctx).stateMaxBytes
  if (size > max)
    throw new ApiError(
      'LimitExceeded',
      `State payload of ${size} bytes is over the limit of ${max} bytes (${t.type}/${t.id}/${t.name})`
    )
  const previous = t.bot.liveState(t.key)
  const at = now()
  const state: StoredState = previous
    ? { ...previous, payload, updatedAt: at }
    : { id: newId('state'), createdAt: at, updatedAt: at, botId: t.bot.botId, name: t.name, type: t.type, payload }
  if (!previous) {
    if (t.type === 'conversation') state.conversationId = t.id
    if (t.type === 'user') state.userId = t.id
    t.bot.created(t.key, t.caller)
  }
  arm(state, expiryMs)
  t.bot.states.set(t.key, state)
  ctx.emitter.emit('state.changed', {
    botId: t.bot.botId,
    caller: t.caller,
    state: publicState(state),
    ...(previous ? { previous: publicState(previous) } : {}),
    deleted: false,
  })
  return state
}

function read(ctx: Ctx, t: Target): StoredState {
  const state = t.bot.liveState(t.key)
  if (!state) throw notFound('State', `${t.type}/${t.id}/${t.name}`)
  if (ctx.options.stateIdleExpiry) arm(state, undefined)
  return state
}

export function stateRoutes(app: FastifyInstance, ctx: Ctx): void {
  const path = '/v1/chat/states/:type/:id/:name'

  app.get<Params>(path, async (req) => ({ state: publicState(read(ctx, target(req, ctx))), meta: { cached: false } }))

  // payload null deletes the state.
  app.post<Params>(path, async (req) => {
    const t = target(req, ctx)
    const input = validate(setSchema, req.body, 'setState')
    if (input.payload !== null) return { state: publicState(write(ctx, t, input.payload, input.expiry)) }
    const previous = t.bot.liveState(t.key)
    t.bot.states.delete(t.key)
    const gone: State = previous
      ? publicState(previous)
      : {
          id: newId('state'),
          createdAt: now(),
          updatedAt: now(),
          botId: t.bot.botId,
          name: t.name,
          type: t.type,
          payload: {},
        }
    if (previous)
      ctx.emitter.emit('state.changed', {
        botId: t.bot.botId,
        caller: t.caller,
        state: gone,
        previous: gone,
        deleted: true,
      })
    return { state: gone }
  })

  // Atomic: read and create in one synchronous step, so of concurrent callers exactly one sets the payload.
  app.post<Params>(`${path}/get-or-set`, async (req) => {
    const t = target(req, ctx)
    const input = validate(getOrSetSchema, req.body, 'getOrSetState')
    const existing = t.bot.liveState(t.key)
    if (existing) return { state: publicState(read(ctx, t)), meta: { cached: false } }
    return { state: publicState(write(ctx, t, input.payload, input.expiry)), meta: { cached: false } }
  })

  // Shallow merge into the current payload (a missing state is a 404, as on the real API).
  app.patch<Params>(path, async (req) => {
    const t = target(req, ctx)
    const input = validate(patchSchema, req.body, 'patchState')
    const current = read(ctx, t)
    return { state: publicState(write(ctx, t, { ...current.payload, ...input.payload }, undefined)) }
  })

  app.post<Params>(`${path}/expiry`, async (req) => {
    const t = target(req, ctx)
    const input = validate(expirySchema, req.body, 'setStateExpiry')
    const current = read(ctx, t)
    return { state: publicState(write(ctx, t, current.payload, input.expiry)) }
  })
}
