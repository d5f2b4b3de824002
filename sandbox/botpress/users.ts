import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { botOf, discriminator, findByTags, hasTags, mergeRecord, paginate, sorted, tagQuery, type Ctx } from './context'
import { notFound, validate } from './errors'
import { newId, now, type BotStore } from './store'
import type { Caller, User } from './types'

const tags = z.record(z.string())
const createSchema = z.object({
  tags,
  integrationName: z.string().optional(),
  name: z.string().optional(),
  pictureUrl: z.string().optional(),
  attributes: z.record(z.string()).optional(),
})
const getOrCreateSchema = createSchema.extend({ discriminateByTags: z.array(z.string()).optional() })
const updateSchema = z.object({
  tags: z.record(z.string().nullable()).optional(),
  name: z.string().nullable().optional(),
  pictureUrl: z.string().nullable().optional(),
  attributes: z.record(z.string().nullable()).optional(),
})

function createUser(ctx: Ctx, bot: BotStore, caller: Caller, input: z.infer<typeof createSchema>): User {
  const at = now()
  const user: User = { id: newId('user'), createdAt: at, updatedAt: at, tags: { ...input.tags } }
  if (input.name !== undefined) user.name = input.name
  if (input.pictureUrl !== undefined) user.pictureUrl = input.pictureUrl
  if (input.attributes !== undefined) user.attributes = { ...input.attributes }
  bot.addUser(user, caller)
  ctx.emitter.emit('user.created', { botId: bot.botId, caller, user })
  return user
}

export const getUser = (bot: BotStore, id: string): User => {
  const user = bot.users.get(id)
  if (!user) throw notFound('User', id)
  return user
}

type IdParams = { Params: { id: string } }

export function userRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post('/v1/chat/users', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    return { user: createUser(ctx, bot, caller, validate(createSchema, req.body, 'createUser')) }
  })

  // Atomic: lookup and insert happen in one synchronous step, so concurrent identical calls yield one user.
  app.post('/v1/chat/users/get-or-create', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const input = validate(getOrCreateSchema, req.body, 'getOrCreateUser')
    const existing = findByTags(bot.users.values(), discriminator(input.tags, input.discriminateByTags))
    return { user: existing ?? createUser(ctx, bot, caller, input) }
  })

  app.get<IdParams>('/v1/chat/users/:id', async (req) => ({ user: getUser(botOf(req, ctx).bot, req.params.id) }))

  app.put<IdParams>('/v1/chat/users/:id', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const user = getUser(bot, req.params.id)
    const input = validate(updateSchema, req.body, 'updateUser')
    user.tags = mergeRecord(user.tags, input.tags)
    for (const field of ['name', 'pictureUrl'] as const) {
      if (input[field] === null) delete user[field]
      else if (input[field] !== undefined) user[field] = input[field]
    }
    if (input.attributes !== undefined) user.attributes = mergeRecord(user.attributes, input.attributes)
    user.updatedAt = now()
    ctx.emitter.emit('user.updated', { botId: bot.botId, caller, user })
    return { user }
  })

  app.delete<IdParams>('/v1/chat/users/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    getUser(bot, req.params.id)
    bot.removeUser(req.params.id)
    return {}
  })

  app.get('/v1/chat/users', async (req) => {
    const { bot } = botOf(req, ctx)
    const query = req.query as Record<string, unknown>
    const wanted = tagQuery(query)
    let users = [...bot.users.values()]
    if (query.conversationId !== undefined) {
      const members = bot.participants.get(String(query.conversationId))
      if (!members) throw notFound('Conversation', String(query.conversationId))
      users = users.filter((u) => members.has(u.id))
    }
    const { page, meta } = paginate(
      sorted(
        users.filter((u) => hasTags(u.tags, wanted)),
        query
      ),
      query.nextToken,
      ctx.options.pageSize
    )
    return { users: page, meta }
  })
}
