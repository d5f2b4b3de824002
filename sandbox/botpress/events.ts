import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { botOf, paginate, sorted, type Ctx } from './context'
import { getConversation } from './conversations'
import { ApiError, notFound, validate } from './errors'
import { getMessage } from './messages'
import { delayOf } from './scheduler'
import { newId, now, type BotStore } from './store'
import type { BpEvent, Caller, EventStatus } from './types'
import { getUser } from './users'

const createSchema = z.object({
  type: z.string().min(1),
  payload: z.record(z.unknown()),
  schedule: z.object({ delay: z.number().nonnegative().optional(), dateTime: z.string().optional() }).optional(),
  conversationId: z.string().optional(),
  userId: z.string().optional(),
  messageId: z.string().optional(),
  workflowId: z.string().optional(),
})

export const getEvent = (bot: BotStore, id: string): BpEvent => {
  const event = bot.events.get(id)
  if (!event) throw notFound('Event', id)
  return event
}

/** The event becomes due: 'pending' (waiting for the bot), announced on `event.due`. */
function due(ctx: Ctx, bot: BotStore, caller: Caller, event: BpEvent): void {
  event.status = 'pending'
  ctx.emitter.emit('event.due', { botId: bot.botId, caller, event })
}

/** Let a runtime record what became of an event (processed, failed…). */
export function settleEvent(
  bot: BotStore,
  id: string,
  status: EventStatus,
  failureReason: string | null = null
): BpEvent {
  const event = getEvent(bot, id)
  event.status = status
  event.failureReason = failureReason
  return event
}

export function eventRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post('/v1/chat/events', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const input = validate(createSchema, req.body, 'createEvent')
    if (input.conversationId !== undefined) getConversation(bot, input.conversationId)
    if (input.userId !== undefined) getUser(bot, input.userId)
    if (input.messageId !== undefined) getMessage(bot, input.messageId)
    const delay = input.schedule ? delayOf(input.schedule) : undefined
    const event: BpEvent = {
      id: newId('evt'),
      createdAt: now(),
      type: input.type,
      payload: input.payload,
      status: delay === undefined ? 'pending' : 'scheduled',
      failureReason: null,
    }
    if (input.conversationId !== undefined) event.conversationId = input.conversationId
    if (input.userId !== undefined) event.userId = input.userId
    if (input.messageId !== undefined) event.messageId = input.messageId
    bot.addEvent(event, caller)
    ctx.emitter.emit('event.created', { botId: bot.botId, caller, event })
    if (delay === undefined) due(ctx, bot, caller, event)
    else ctx.scheduler.at(event.id, delay, () => due(ctx, bot, caller, event))
    return { event }
  })

  app.get<{ Params: { id: string } }>('/v1/chat/events/:id', async (req) => ({
    event: getEvent(botOf(req, ctx).bot, req.params.id),
  }))

  app.delete<{ Params: { id: string } }>('/v1/chat/events/scheduled/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    const event = getEvent(bot, req.params.id)
    if (event.status !== 'scheduled' || !ctx.scheduler.cancel(event.id)) {
      throw new ApiError(
        'InvalidPayload',
        `Event "${event.id}" is not scheduled (status "${event.status}"): only a scheduled event can be canceled`
      )
    }
    event.status = 'canceled'
    return {}
  })

  app.get('/v1/chat/events', async (req) => {
    const { bot } = botOf(req, ctx)
    const query = req.query as Record<string, unknown>
    const eq = (field: 'type' | 'conversationId' | 'userId' | 'messageId' | 'status', e: BpEvent) =>
      query[field] === undefined || e[field] === String(query[field])
    const list = [...bot.events.values()].filter(
      (e) => eq('type', e) && eq('conversationId', e) && eq('userId', e) && eq('messageId', e) && eq('status', e)
    )
    const { page, meta } = paginate(sorted(list, query), query.nextToken, ctx.options.pageSize)
    return { events: page, meta }
  })
}
