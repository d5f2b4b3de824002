import { Client } from '@botpress/client'
import type { FastifyInstance } from 'fastify'
import type { HitlBot } from '../bot/hitl-bot'
import { WEBCHAT } from '../runtime/runtime'

/**
 * The page's visitor side. The sandbox plays the webchat integration: it creates the visitor, their conversation and
 * their messages in the Botpress API (as an integration, so they are incoming), and reads the conversation back.
 */
export function registerVisitorApi(app: FastifyInstance, opts: { apiUrl: string; botId: string; bot?: HitlBot }): void {
  const webchat = new Client({
    apiUrl: opts.apiUrl,
    botId: opts.botId,
    integrationId: WEBCHAT,
    headers: { 'x-integration-alias': WEBCHAT },
  })
  const names = new Map<string, string>()
  const nameOf = async (userId: string) => {
    if (userId === opts.botId) return 'Bot'
    if (!names.has(userId)) names.set(userId, (await webchat.getUser({ id: userId })).user.name ?? 'Someone')
    return names.get(userId)!
  }

  app.post<{ Body: { name?: string; email?: string } }>('/api/visitors', async (req) => {
    const name = req.body?.name?.trim() || 'Visitor'
    const { user } = await webchat.createUser({
      name,
      tags: req.body?.email ? { email: req.body.email } : {},
    })
    const { conversation } = await webchat.createConversation({ channel: WEBCHAT, tags: { visitor: user.id } })
    return { userId: user.id, conversationId: conversation.id }
  })

  app.post<{
    Params: { id: string }
    Body: { userId: string; type?: string; payload?: Record<string, unknown>; text?: string }
  }>('/api/visitors/:id/messages', async (req, reply) => {
    const { userId, text } = req.body ?? ({} as never)
    const type = req.body?.type ?? 'text'
    const payload = req.body?.payload ?? { text }
    if (!userId || (type === 'text' && !String(payload.text ?? '').trim()))
      return reply.code(400).send({ message: 'userId and a non-empty text (or type + payload) are required' })
    const { message } = await webchat.createMessage({ conversationId: req.params.id, userId, type, payload, tags: {} })
    return { message }
  })

  app.post<{ Params: { id: string }; Querystring: { userId: string } }>(
    '/api/visitors/:id/files',
    async (req, reply) => {
      const file = await req.file()
      if (!file || !req.query.userId)
        return reply.code(400).send({ message: 'a multipart "file" and ?userId= are required' })
      const content = await file.toBuffer()
      const key = `sandbox/${Date.now()}-${file.filename.replace(/[^\w.-]+/g, '_')}`
      const uploaded = await webchat.uploadFile({
        key,
        content,
        contentType: file.mimetype,
        accessPolicies: ['public_content'],
        // The message that links it goes out at once (Cloud serves a public file only once processed otherwise).
        publicContentImmediatelyAccessible: true,
      })
      const url = uploaded.file.url
      const isImage = file.mimetype.startsWith('image/')
      const { message } = await webchat.createMessage({
        conversationId: req.params.id,
        userId: req.query.userId,
        type: isImage ? 'image' : 'file',
        payload: isImage ? { imageUrl: url, title: file.filename } : { fileUrl: url, title: file.filename },
        tags: {},
      })
      return { message }
    }
  )

  app.get<{ Params: { id: string } }>('/api/visitors/:id', async (req) => {
    const all = []
    let nextToken: string | undefined
    do {
      const page = await webchat.listMessages({ conversationId: req.params.id, nextToken })
      all.push(...page.messages)
      nextToken = page.meta.nextToken
    } while (nextToken)
    all.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    const messages = await Promise.all(
      all.map(async (m) => ({
        id: m.id,
        createdAt: m.createdAt,
        type: m.type,
        payload: m.payload,
        author: m.direction === 'incoming' ? 'visitor' : m.userId === opts.botId ? 'bot' : 'agent',
        authorName: await nameOf(m.userId),
      }))
    )
    return { messages, status: opts.bot?.status(req.params.id) ?? { status: 'bot' } }
  })
}
