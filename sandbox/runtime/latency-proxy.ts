import { once } from 'node:events'
import { createServer, request } from 'node:http'

/**
 * A loopback proxy in front of the Botpress API that holds each request for `latencyMs` before passing it on, so a
 * bot meets Cloud-like API latency (`SANDBOX_BOT_API_LATENCY_MS`) while the integrations, which call the API
 * directly, are not slowed down.
 */
export async function startLatencyProxy(
  targetUrl: string,
  latencyMs: number
): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(targetUrl)
  const server = createServer((req, res) => {
    setTimeout(() => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ type: 'Internal', code: 502, message: `latency proxy: ${err.message}` }))
      })
      req.pipe(upstream)
    }, latencyMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
