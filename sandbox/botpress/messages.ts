import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { botOf, discriminator, findByTags, hasTags, mergeRecord, paginate, sorted, tagQuery, type Ctx } from './context'
import { getConversation } from './conversations'
import { notFound, validate } from './errors'
import { delayOf } from './scheduler'
import { newId, now, type BotStore } from './store'
import type { Caller, Message } from './types'

const scheduleSchema = z.object({ delay: z.number().nonnegative().optional(), dateTime: z.string().optional() })
const createSchema = z.object({
  type: z.string().min(1),
  payload: z.record(z.unknown()),
  userId: z.string().min(1),
  conversationId: z.string().min(1),
  tags: z.record(z.string()),
  schedule: scheduleSchema.optional(),
  origin: z.literal('synthetic').optional(),
})
const getOrCreateSchema = createSchema.extend({ discriminateByTags: z.array(z.string()).optional() })
const updateSchema = z.object({
  tags: z.record(z.string().nullable()),
  payload: z.record(z.unknown()).optional(),
})

export const getMessage = (bot: BotStore, id: string): Message => {
  const message = bot.messages.get(id)
  if (!message) throw notFound('Message', id)
  return message
}

function createMessage(ctx: Ctx, bot: BotStore, caller: Caller, input: z.infer<typeof createSchema>): Message {
  const conversation = getConversation(bot, input.conversationId)
  // The bot writes as itself (userId = botId, as the HITL plugin does); anyone else must be a user of the bot.
  if (input.userId !== bot.botId && !bot.users.has(input.userId)) throw notFound('User', input.userId)
  const at = now()
  const message: Message = {
    id: newId('msg'),
    createdAt: at,
    updatedAt: at,
    type: input.type,
    payload: input.payload,
    // Botpress's point of view: what an integration brings in is incoming, what the bot says is outgoing.
    direction: caller.integrationId !== undefined ? 'incoming' : 'outgoing',
    userId: input.userId,
    conversationId: input.conversationId,
    tags: { ...input.tags },
  }
  if (input.origin) message.origin = input.origin
  const store = () => {
    if (input.schedule) message.createdAt = message.updatedAt = now()
    bot.addMessage(message, caller)
    ctx.emitter.emit('message.created', { botId: bot.botId, caller, message, conversation })
  }
  // A scheduled message exists only once it is due ((emulator choice), the cautious reading of Cloud): until then no
  // lookup, list or getOrCreate finds it, so nobody can rely on it for duplicate suppression.
  if (input.schedule) ctx.scheduler.at(message.id, delayOf(input.schedule), store)
  else store()
  return message
}

type IdParams = { Params: { id: string } }

export function messageRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post('/v1/chat/messages', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    return { message: createMessage(ctx, bot, caller, validate(createSchema, req.body, 'createMessage')) }
  })

  // Atomic like the other getOrCreate routes; a match is looked for in the same conversation.
  app.post('/v1/chat/messages/get-or-create', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const input = validate(getOrCreateSchema, req.body, 'getOrCreateMessage')
    getConversation(bot, input.conversationId)
    const existing = findByTags(
      bot.messages.values(),
      discriminator(input.tags, input.discriminateByTags),
      (m) => m.conversationId === input.conversationId
    )
    return { message: existing ?? createMessage(ctx, bot, caller, input) }
  })

  app.get<IdParams>('/v1/chat/messages/:id', async (req) => ({
    message: getMessage(botOf(req, ctx).bot, req.params.id),
  }))

  app.put<IdParams>('/v1/chat/messages/:id', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const message = getMessage(bot, req.params.id)
    const input = validate(updateSchema, req.body, 'updateMessage')
    message.tags = mergeRecord(message.tags, input.tags)
    if (input.payload !== undefined) message.payload = input.payload
    message.updatedAt = now()
    ctx.emitter.emit('message.updated', { botId: bot.botId, caller, message })
    return { message }
  })

  app.delete<IdParams>('/v1/chat/messages/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    getMessage(bot, req.params.id)
    ctx.scheduler.cancel(req.params.id)
    bot.removeMessage(req.params.id)
    return {}
  })

  // Newest first, like the real API (callers that want a transcript reverse the page).
  app.get('/v1/chat/messages', async (req) => {
    const { bot } = botOf(req, ctx)
    const query = req.query as Record<string, unknown>
    const wanted = tagQuery(query)
    let list: Iterable<Message> = bot.messages.values()
    if (query.conversationId !== undefined) {
      const conversationId = String(query.conversationId)
      getConversation(bot, conversationId)
      list = [...(bot.messagesByConversation.get(conversationId) ?? [])].flatMap((id) => bot.messages.get(id) ?? [])
    }
    const filtered = [...list].filter((m) => hasTags(m.tags, wanted))
    const { page, meta } = paginate(sorted(filtered, query), query.nextToken, ctx.options.pageSize)
    return { messages: page, meta }
  })
}
