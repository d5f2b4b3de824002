import { isApiError, type Message } from '@botpress/client'
import type { FastifyInstance } from 'fastify'
import type { BotpressRuntime } from '../runtime/runtime'

export type VisitorMessage = {
  id: string
  createdAt: string
  type: string
  payload: Record<string, unknown>
  author: 'visitor' | 'bot' | 'agent'
  authorName: string
  /** Why the integration refused the copy of this visitor message that the bot relayed to the agent. */
  failed?: string
}

export type SessionStatus = { status: 'bot' | 'waiting' | 'agent'; agentName?: string; hitlConversationId?: string }

/**
 * The page's visitor side (sandbox/README.md, "Visitor HTTP API"; kept stable: outside tests drive the sandbox
 * through it). The emulated webchat integration creates the visitor, their conversation and their messages; reading
 * a conversation back shows what webchat would show, and the HITL session status as the plugin's own data says.
 */
export function registerVisitorApi(root: FastifyInstance, opts: { runtime: BotpressRuntime }): void {
  root.register(async (app) => visitorRoutes(app, opts))
}

function visitorRoutes(app: FastifyInstance, opts: { runtime: BotpressRuntime }): void {
  // What the Botpress API refused (an unknown conversation, …) keeps its status and says why.
  app.setErrorHandler((err, _req, reply) => {
    if (isApiError(err)) return reply.code(err.code).send({ type: err.type, message: err.message })
    return reply.code(500).send({ message: err instanceof Error ? err.message : String(err) })
  })
  const { webchat, pool } = opts.runtime
  const client = webchat.client
  const botId = pool.identity.botId

  app.post<{ Body: { name?: string; email?: string } }>('/api/visitors', async (req) => {
    const name = req.body?.name?.trim() || 'Visitor'
    return webchat.createVisitor(name, req.body?.email?.trim() || undefined)
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
    const { message } = await client.createMessage({ conversationId: req.params.id, userId, type, payload, tags: {} })
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
      const uploaded = await client.uploadFile({
        key,
        content,
        contentType: file.mimetype,
        accessPolicies: ['public_content'],
      })
      const url = uploaded.file.url
      const isImage = file.mimetype.startsWith('image/')
      const { message } = await client.createMessage({
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
    const all: Message[] = []
    let nextToken: string | undefined
    do {
      const page = await client.listMessages({ conversationId: req.params.id, nextToken })
      all.push(...page.messages)
      nextToken = page.meta.nextToken
    } while (nextToken)
    // Pages come newest first: reversed, messages of the same millisecond keep the order they were written in.
    all.reverse().sort((a, b) => a.createdAt.localeCompare(b.createdAt))

    const names = new Map<string, Promise<string>>()
    const nameOf = (userId: string) => {
      if (!names.has(userId))
        names.set(
          userId,
          client.getUser({ id: userId }).then(
            (r) => r.user.name ?? 'Someone',
            () => 'Someone'
          )
        )
      return names.get(userId)!
    }
    const messages = await Promise.all(
      all.map(async (m): Promise<VisitorMessage> => {
        // An agent message is the bot's, shown as the look-alike user it names (the plugin's useHumanAgentInfo).
        const shownAs =
          typeof m.payload.userId === 'string' && m.payload.userId !== botId ? m.payload.userId : undefined
        const author = m.direction === 'incoming' ? 'visitor' : shownAs ? 'agent' : 'bot'
        const failed = opts.runtime.failures.get(m.id)
        return {
          id: m.id,
          createdAt: m.createdAt,
          type: m.type,
          payload: m.payload,
          author,
          authorName: author === 'bot' ? 'Bot' : await nameOf(author === 'agent' ? shownAs! : m.userId),
          ...(failed ? { failed } : {}),
        }
      })
    )
    return { messages, status: await statusOf(req.params.id) }
  })

  /** The session as the HITL plugin records it (state `hitl#hitl`, tags `hitl#…`), so it reads the real plugin too. */
  async function statusOf(conversationId: string): Promise<SessionStatus> {
    const [state, { conversation }] = await Promise.all([
      client.getState({ type: 'conversation', id: conversationId, name: 'hitl#hitl' }).catch((err: unknown) => {
        if (isApiError(err) && err.type === 'ResourceNotFound') return undefined
        throw err
      }),
      client.getConversation({ id: conversationId }),
    ])
    if (state?.state.payload.hitlActive !== true) return { status: 'bot' }
    const tags = conversation.tags
    const hitlConversationId = tags['hitl#downstream'] ? { hitlConversationId: tags['hitl#downstream'] } : {}
    if (!tags['hitl#humanAgentId']) return { status: 'waiting', ...hitlConversationId }
    return { status: 'agent', agentName: tags['hitl#humanAgentName'] ?? 'A Human Agent', ...hitlConversationId }
  }
}
