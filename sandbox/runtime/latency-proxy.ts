import { once } from 'node:events'
import { createServer, request } from 'node:http'

/**
 * A loopback proxy in front of the Botpress API that makes each call take `latencyMs` more, so a bot meets Cloud-like
 * API latency (`SANDBOX_BOT_API_LATENCY_MS`) while the integrations, which call the API directly, are not slowed
 * down. `backShare` of it is spent on the way back (after the API answered), the rest before the request reaches the
 * API: where the latency sits decides when the API sees each write, which the plugin's timing depends on.
 */
export async function startLatencyProxy(
  targetUrl: string,
  latencyMs: number,
  backShare = 0
): Promise<{ url: string; close(): Promise<void> }> {
  const back = Math.round(latencyMs * backShare)
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
          setTimeout(() => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }, back)
        }
      )
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ type: 'Internal', code: 502, message: `latency proxy: ${err.message}` }))
      })
      req.pipe(upstream)
    }, latencyMs - back)
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
