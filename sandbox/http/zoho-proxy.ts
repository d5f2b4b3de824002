import type { FastifyInstance } from 'fastify'

/**
 * The operator console talks to the Zoho emulator's control API (`/_emulator/*`) through the sandbox's own origin,
 * so the page needs no CORS and one URL.
 */
export function registerZohoProxy(app: FastifyInstance, zohoUrl: string): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body)
    )
    scope.all('/api/zoho/*', async (req, reply) => {
      const target = `${zohoUrl}/_emulator/${(req.params as { '*': string })['*']}${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`
      const headers: Record<string, string> = {}
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type']
      const response = await fetch(target, {
        method: req.method,
        headers,
        body:
          req.method === 'GET' || req.method === 'HEAD' ? undefined : (req.body as Uint8Array<ArrayBuffer> | undefined),
      })
      reply.code(response.status)
      const type = response.headers.get('content-type')
      if (type) reply.header('content-type', type)
      return reply.send(Buffer.from(await response.arrayBuffer()))
    })
  })
}
