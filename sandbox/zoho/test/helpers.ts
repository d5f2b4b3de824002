import type { Json } from '../client'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ZohoEmulatorClient } from '../client'
import { startZohoEmulator, type ZohoEmulator } from '../server'

/** Short intervals so the suite runs in seconds. */
export const FAST = {
  autoAssignDelayMs: 20,
  webhookRetryIntervalMs: 40,
  webhookTimeoutMs: 300,
  headCheckTimeoutMs: 300,
}

export async function startFast(
  settings: Record<string, unknown> = {}
): Promise<{ em: ZohoEmulator; client: ZohoEmulatorClient }> {
  const em = await startZohoEmulator({ settings: { ...FAST, ...settings } })
  return { em, client: new ZohoEmulatorClient(em.url) }
}

export interface Received {
  headers: IncomingHttpHeaders
  raw: string
  body: Json
}

/** A webhook target: answers HEAD with `headStatus`, POSTs with the next queued status (then 200). */
export async function startReceiver() {
  const state = { headStatus: 200, statuses: [] as number[], received: [] as Received[], delayMs: 0 }
  const server = createServer((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(state.headStatus).end()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      state.received.push({ headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined })
      const status = state.statuses.shift() ?? 200
      setTimeout(() => res.writeHead(status).end(), state.delayMs)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** A SalesIQ call with a token, returning status and parsed JSON (or text). */
export async function siq(
  em: ZohoEmulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  scheme = 'Zoho-oauthtoken'
) {
  const res = await fetch(`${em.url}${path}`, {
    method,
    headers: {
      authorization: `${scheme} ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: Json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = text
  }
  return { status: res.status, json, headers: res.headers }
}

/** Opens a chat through the visitor API v1 with the seeded app and department. */
export async function openChat(
  em: ZohoEmulator,
  token: string,
  userId = 'bp-user-1',
  extra: Record<string, unknown> = {}
) {
  const r = await siq(em, token, 'POST', `/api/visitor/v1/${em.credentials.screenName}/conversations`, {
    app_id: em.credentials.appId,
    department_id: em.credentials.departmentId,
    question: 'I need a human',
    visitor: { user_id: userId, name: 'Vic Visitor', email: 'Vic@Example.com' },
    ...extra,
  })
  if (!r.json?.data?.conversation_id) throw new Error(`open failed: ${JSON.stringify(r.json)}`)
  return r.json.data as Record<string, Json>
}

/** Creates a (secured) webhook for the given events through the REST API. */
export async function createWebhook(em: ZohoEmulator, token: string, url: string, events: string[], secured = false) {
  const r = await siq(em, token, 'POST', `/api/v2/${em.credentials.screenName}/webhooks`, {
    type: 'data',
    url,
    events,
    app_ids: [em.credentials.appId],
    secured,
  })
  if (!r.json?.data?.id) throw new Error(`webhook create failed: ${JSON.stringify(r.json)}`)
  return r.json.data as Record<string, Json>
}
