import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Ctx } from './context'
import { notFound, validate } from './errors'
import { faultSchema, globToRegExp } from './faults'
import type { Dump } from './types'

const requestFilterSchema = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.coerce.number().int().optional(),
  since: z.coerce.number().int().optional(),
  botId: z.string().optional(),
  integrationId: z.string().optional(),
})

/** Everything in memory, per bot (states already past their expiry are left out). */
export function dump(ctx: Ctx, botId?: string): Dump {
  const bots: Dump['bots'] = {}
  for (const [id, bot] of ctx.store.bots) if (botId === undefined || id === botId) bots[id] = bot.dump()
  return { bots }
}

/** Forget every object, pending schedule, fault and logged request. */
export function resetAll(ctx: Ctx): void {
  ctx.scheduler.clear()
  ctx.store.reset()
  ctx.faults.clear()
  ctx.log.clear()
  ctx.emitter.emit('reset')
}

/** The emulator's own control API under /_emulator (never faulted, never logged). */
export function controlRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.get('/_emulator/health', async () => ({ ok: true }))

  app.get('/_emulator/faults', async () => ({ faults: ctx.faults.rules }))
  app.post('/_emulator/faults', async (req, reply) => {
    const fault = ctx.faults.add(validate(faultSchema, req.body, 'addFault'))
    return reply.code(201).send({ fault })
  })
  app.delete('/_emulator/faults', async () => {
    ctx.faults.clear()
    return {}
  })
  app.delete<{ Params: { id: string } }>('/_emulator/faults/:id', async (req) => {
    if (!ctx.faults.remove(Number(req.params.id))) throw notFound('Fault', req.params.id)
    return {}
  })

  app.get('/_emulator/requests', async (req) => {
    const filter = validate(requestFilterSchema, req.query, 'listRequests')
    return { requests: ctx.log.list(filter, (glob, path) => globToRegExp(glob).test(path)) }
  })
  app.delete('/_emulator/requests', async () => {
    ctx.log.clear()
    return {}
  })

  app.post('/_emulator/reset', async () => {
    resetAll(ctx)
    return {}
  })

  app.get<{ Querystring: { botId?: string } }>('/_emulator/dump', async (req) => dump(ctx, req.query.botId))
}
