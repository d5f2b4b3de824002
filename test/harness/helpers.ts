import { Client } from '@botpress/client'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { Stack } from '../../sandbox/stack'

/** The Botpress API as the bot sees it (to read what the integration created). */
export const botClient = (stack: Stack) =>
  new Client({ apiUrl: stack.botpress.url, botId: stack.identity.botId, retry: { retries: 0 } })

/** Calls an action over the integration protocol; returns the HTTP status and body. */
export async function action(stack: Stack, type: string, input: Record<string, unknown>) {
  const answer = await stack.pool.call('action_triggered', { type, input })
  return {
    status: answer.status,
    output: (answer.body as { output?: Record<string, unknown> })?.output,
    body: answer.body,
  }
}

export async function actionOk<T = Record<string, unknown>>(
  stack: Stack,
  type: string,
  input: Record<string, unknown>
): Promise<T> {
  const r = await action(stack, type, input)
  if (r.status !== 200) throw new Error(`${type} answered ${r.status}: ${JSON.stringify(r.body)}`)
  return r.output as T
}

/**
 * A SalesIQ chat opened the way the plugin opens one (createUser, then startHitl, over the integration protocol):
 * the Botpress user, the hitl conversation, and the chat ids startHitl tagged it with.
 */
export async function openChat(stack: Stack, name: string) {
  const { userId } = await actionOk<{ userId: string }>(stack, 'createUser', { name })
  const { conversationId } = await actionOk<{ conversationId: string }>(stack, 'startHitl', {
    userId,
    messageHistory: [],
  })
  const returnedAt = Date.now()
  const { conversation } = await botClient(stack).getConversation({ id: conversationId })
  return {
    userId,
    conversationId,
    chatId: conversation.tags.chatId!,
    visitorChatId: conversation.tags.visitorChatId!,
    returnedAt,
  }
}

/** What Botpress sends when the bot writes in the hitl conversation (message_created). */
export async function botWrites(stack: Stack, conversationId: string, type: string, payload: Record<string, unknown>) {
  const bp = botClient(stack)
  const { conversation } = await bp.getConversation({ id: conversationId })
  const message = {
    id: `msg_${Math.random().toString(36).slice(2)}`,
    type,
    payload,
    conversationId,
    userId: stack.identity.botId,
    tags: {},
  }
  const answer = await stack.pool.call('message_created', {
    type,
    payload,
    conversation,
    message,
    user: { id: stack.identity.botId, tags: {} },
  })
  return { status: answer.status, body: answer.body }
}

/** The Zoho emulator's control API (HTTP). */
export async function zoho<T = any>(stack: Stack, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.zoho.url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Lets integration processes started from now on fetch files from `url` although it is on loopback (design.md:
 * ALLOW_PRIVATE_FETCH_HOSTS, which production never sets). Call it before startStack.
 */
export function allowPrivateFetch(url: string) {
  const hosts = (process.env.ALLOW_PRIVATE_FETCH_HOSTS ?? '').split(',').filter(Boolean)
  process.env.ALLOW_PRIVATE_FETCH_HOSTS = [...hosts, new URL(url).host].join(',')
}

/**
 * A small file host for the bot's media URLs: /ok.png, /big.bin (declares 51 MB), /missing (404). It is allowed as
 * a private fetch host for the stacks started after it (allowPrivateFetch).
 */
export async function startFileHost(): Promise<{ url: string; png: Buffer; close(): Promise<void> }> {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64'
  )
  const server: Server = createServer((req, res) => {
    if (req.url === '/ok.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png)
    if (req.url === '/report.pdf')
      return res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from('%PDF-1.4 test'))
    if (req.url === '/big.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(51 * 1024 * 1024) })
      return res.write(Buffer.alloc(1024)) // never finishes: the integration must give up on the declared size
    }
    res.writeHead(404).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  allowPrivateFetch(`http://127.0.0.1:${port}`)
  return {
    url: `http://127.0.0.1:${port}`,
    png,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
