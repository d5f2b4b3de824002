import { createServer, type IncomingHttpHeaders } from 'node:http'
import { once } from 'node:events'

export type Received = { headers: IncomingHttpHeaders; body: string; at: number }

export type Receiver = {
  url: string
  received: Received[]
  waitFor(match: (r: Received) => boolean, timeoutMs: number): Promise<Received | undefined>
  close(): Promise<void>
}

/**
 * A stand-in for the integration's webhook URL when the doctor runs the emulator itself: answers SalesIQ's HEAD check
 * with 200 and keeps every delivery (raw body and headers) so its signature can be verified.
 */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'POST')
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      res.writeHead(200).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/webhook/doctor`,
    received,
    async waitFor(match, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = received.find(match)
        if (found || Date.now() > deadline) return found
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
