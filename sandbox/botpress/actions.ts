import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { botOf, type Ctx } from './context'
import { ApiError, validate } from './errors'
import type { Caller } from './types'

/**
 * Who answers `callAction`: Botpress routes `<integration alias>:<action>` to that integration, anything else to the
 * bot (its plugins' `alias#action`s and its own actions). The emulator holds no integration or bot itself, so a
 * runtime built on it provides the routing; it throws an ApiError (e.g. type `Runtime` with the integration's message)
 * when the action fails.
 */
export type ActionRouter = (call: {
  botId: string
  caller: Caller
  type: string
  input: Record<string, unknown>
}) => Promise<Record<string, unknown>>

const callSchema = z.object({ type: z.string().min(1), input: z.record(z.unknown()) })

export function actionRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post('/v1/chat/actions', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const { type, input } = validate(callSchema, req.body, 'callAction')
    const router = ctx.actions.router
    if (!router)
      throw new ApiError(
        'ResourceNotFound',
        `Action "${type}": nothing answers actions on this Botpress emulator (the sandbox runtime routes them; alone, the emulator has no integration or bot to call)`
      )
    const output = await router({ botId: bot.botId, caller, type, input })
    return { output, meta: { cached: false } }
  })
}
