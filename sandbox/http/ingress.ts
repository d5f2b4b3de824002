import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BotpressRuntime } from '../runtime/runtime'

/** Headers that describe one HTTP hop and must not be copied onto the next one. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding'])

/**
 * The public webhook URL (`/webhook/<webhookId>` and anything below it), like https://webhook.botpress.cloud/<id>:
 * every method, path suffix, query and the exact body bytes reach the integration as `webhook_received`.
 */
export function registerIngress(app: FastifyInstance, runtime: BotpressRuntime, webhookId: string): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body)
    )
    const forward = async (req: FastifyRequest<{ Params: { id: string; '*'?: string } }>, reply: FastifyReply) => {
      if (req.params.id !== webhookId) return reply.code(404).send({ message: 'Unknown webhook id' })
      const url = new URL(req.url, 'http://ingress')
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v
      const answer = await runtime.forwardWebhook({
        method: req.method,
        path: req.params['*'] ? `/${req.params['*']}` : '',
        query: url.search.replace(/^\?/, ''),
        headers,
        body: typeof req.body === 'string' ? req.body : undefined,
      })
      reply.code(answer.status)
      answer.headers.forEach((value, key) => {
        if (!HOP_HEADERS.has(key)) reply.header(key, value)
      })
      return reply.send(answer.body)
    }
    scope.all('/webhook/:id', forward)
    scope.all('/webhook/:id/*', forward)
  })
}
