import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import {
  botOf,
  discriminator,
  findByTags,
  hasTags,
  mergeRecord,
  paginate,
  queryList,
  sorted,
  tagQuery,
  type Ctx,
} from './context'
import { notFound, validate } from './errors'
import { newId, now, type BotStore } from './store'
import type { Caller, Conversation } from './types'
import { getUser } from './users'

const createSchema = z.object({
  channel: z.string().min(1),
  tags: z.record(z.string()),
  integrationName: z.string().optional(),
})
const getOrCreateSchema = createSchema.extend({ discriminateByTags: z.array(z.string()).optional() })
const updateSchema = z.object({
  tags: z.record(z.string().nullable()).optional(),
  currentTaskId: z.string().optional(),
})
const participantSchema = z.object({ userId: z.string().min(1) })

/**
 * The integration a conversation belongs to: the explicit integrationName, else the caller's alias (what the SDK
 * sends as x-integration-alias, normally the integration's name), else its id ((emulator choice)).
 */
const integrationOf = (caller: Caller, integrationName?: string): string =>
  integrationName ?? caller.integrationAlias ?? caller.integrationId ?? ''

function createConversation(
  ctx: Ctx,
  bot: BotStore,
  caller: Caller,
  input: z.infer<typeof createSchema>
): Conversation {
  const at = now()
  const conversation: Conversation = {
    id: newId('conv'),
    createdAt: at,
    updatedAt: at,
    channel: input.channel,
    integration: integrationOf(caller, input.integrationName),
    tags: { ...input.tags },
  }
  bot.addConversation(conversation, caller)
  ctx.emitter.emit('conversation.created', { botId: bot.botId, caller, conversation })
  return conversation
}

export const getConversation = (bot: BotStore, id: string): Conversation => {
  const conversation = bot.conversations.get(id)
  if (!conversation) throw notFound('Conversation', id)
  return conversation
}

type IdParams = { Params: { id: string } }
type ParticipantParams = { Params: { id: string; userId: string } }

export function conversationRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post('/v1/chat/conversations', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    return {
      conversation: createConversation(ctx, bot, caller, validate(createSchema, req.body, 'createConversation')),
    }
  })

  // Atomic: lookup and insert happen in one synchronous step, so concurrent identical calls yield one conversation.
  // A match must also be on the same channel of the same integration.
  app.post('/v1/chat/conversations/get-or-create', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const input = validate(getOrCreateSchema, req.body, 'getOrCreateConversation')
    const integration = integrationOf(caller, input.integrationName)
    const existing = findByTags(
      bot.conversations.values(),
      discriminator(input.tags, input.discriminateByTags),
      (c) => c.channel === input.channel && c.integration === integration
    )
    if (!existing) return { conversation: createConversation(ctx, bot, caller, input), meta: { created: true } }
    // The tags given are written onto the conversation found. `meta.created` is not in @botpress/client 1.35.0's
    // response type ((emulator inference)); the client hands it through untyped.
    const merged = mergeRecord(existing.tags, input.tags)
    if (Object.entries(merged).some(([k, v]) => existing.tags[k] !== v)) {
      existing.tags = merged
      existing.updatedAt = now()
      ctx.emitter.emit('conversation.updated', { botId: bot.botId, caller, conversation: existing })
    }
    return { conversation: existing, meta: { created: false } }
  })

  app.get<IdParams>('/v1/chat/conversations/:id', async (req) => ({
    conversation: getConversation(botOf(req, ctx).bot, req.params.id),
  }))

  app.put<IdParams>('/v1/chat/conversations/:id', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const conversation = getConversation(bot, req.params.id)
    const input = validate(updateSchema, req.body, 'updateConversation')
    conversation.tags = mergeRecord(conversation.tags, input.tags)
    if (input.currentTaskId !== undefined) conversation.currentTaskId = input.currentTaskId
    conversation.updatedAt = now()
    ctx.emitter.emit('conversation.updated', { botId: bot.botId, caller, conversation })
    return { conversation }
  })

  app.delete<IdParams>('/v1/chat/conversations/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    getConversation(bot, req.params.id)
    bot.removeConversation(req.params.id)
    return {}
  })

  app.get('/v1/chat/conversations', async (req) => {
    const { bot } = botOf(req, ctx)
    const query = req.query as Record<string, unknown>
    const wanted = tagQuery(query)
    const participantIds = queryList(query.participantIds)
    const list = [...bot.conversations.values()].filter(
      (c) =>
        hasTags(c.tags, wanted) &&
        (query.channel === undefined || c.channel === String(query.channel)) &&
        (query.integrationName === undefined || c.integration === String(query.integrationName)) &&
        participantIds.every((userId) => bot.participants.get(c.id)?.has(userId))
    )
    const { page, meta } = paginate(sorted(list, query), query.nextToken, ctx.options.pageSize)
    return { conversations: page, meta }
  })

  app.get<IdParams>('/v1/chat/conversations/:id/participants', async (req) => {
    const { bot } = botOf(req, ctx)
    getConversation(bot, req.params.id)
    const query = req.query as Record<string, unknown>
    const users = [...(bot.participants.get(req.params.id) ?? [])].flatMap((id) => bot.users.get(id) ?? [])
    const { page, meta } = paginate(users, query.nextToken, ctx.options.pageSize)
    return { participants: page, meta }
  })

  app.post<IdParams>('/v1/chat/conversations/:id/participants', async (req) => {
    const { bot } = botOf(req, ctx)
    getConversation(bot, req.params.id)
    const { userId } = validate(participantSchema, req.body, 'addParticipant')
    const participant = getUser(bot, userId)
    bot.participants.get(req.params.id)?.add(userId)
    return { participant }
  })

  app.get<ParticipantParams>('/v1/chat/conversations/:id/participants/:userId', async (req) => {
    const { bot } = botOf(req, ctx)
    getConversation(bot, req.params.id)
    if (!bot.participants.get(req.params.id)?.has(req.params.userId)) {
      throw notFound('Participant', `${req.params.userId} in conversation ${req.params.id}`)
    }
    return { participant: getUser(bot, req.params.userId) }
  })

  app.delete<ParticipantParams>('/v1/chat/conversations/:id/participants/:userId', async (req) => {
    const { bot } = botOf(req, ctx)
    getConversation(bot, req.params.id)
    if (!bot.participants.get(req.params.id)?.delete(req.params.userId)) {
      throw notFound('Participant', `${req.params.userId} in conversation ${req.params.id}`)
    }
    return {}
  })
}
