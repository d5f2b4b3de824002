/** Wire JSON as tests read it (shapes vary with the emulator's switches). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

/**
 * Typed client of the emulator's control API (`/_emulator/*`), for tests and the sandbox.
 * Only fetch: usable from Node and the browser (it imports types only).
 */

// Wire shapes of the logs; a type-only import, erased at run time (the client stays fetch-only).
import type { DeliveryEntry, RequestEntry } from './logs'

export type RequestLogEntry = RequestEntry
/** The envelope as tests read it: its shape varies with the emulator's switches. */
export type DeliveryLogEntry = Omit<DeliveryEntry, 'envelope'> & { envelope: Record<string, Json> }

export interface HttpFault {
  path?: string
  method?: string
  latencyMs?: number
  status?: number
  retryAfterSec?: number
  location?: string
  body?: unknown
  hang?: boolean
  drop?: boolean
  count?: number
  probability?: number
}

export interface WebhookFault {
  action: 'duplicate' | 'delay' | 'hold'
  delayMs?: number
  event?: string
  count?: number
  probability?: number
}

export interface ReplyInput {
  text?: string
  comment?: string
  operatorId?: string
  file?: { name: string; contentType?: string; data: Uint8Array | string }
}

export type Credentials = {
  url: string
  accountsUrl: string
  salesiqUrl: string
  clientId: string
  clientSecret: string
  refreshToken: string
  screenName: string
  orgId: string
  appId: string
  departmentId: string
  ids: Record<string, string>
}

type Filter = Record<string, string | number | undefined>

export class ZohoEmulatorClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url.replace(/\/$/, '')}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json().catch(() => ({}))) as T & { error?: string }
    if (!res.ok) throw new Error(`Zoho emulator: ${method} /_emulator${path} → ${res.status} ${json.error ?? ''}`)
    return json
  }

  private qs(f: Filter = {}): string {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(f)) if (v !== undefined) p.set(k, String(v))
    const s = p.toString()
    return s ? `?${s}` : ''
  }

  info = () => this.call<Credentials & { ok: true }>('GET', '')
  reset = (seed?: Record<string, unknown>) => this.call<Credentials>('POST', '/reset', seed ? { seed } : {})
  state = () => this.call<Record<string, Json>>('GET', '/state')
  settings = () => this.call<Record<string, unknown>>('GET', '/settings')
  setSettings = (patch: Record<string, unknown>) => this.call<Record<string, unknown>>('PUT', '/settings', patch)

  operators = () => this.call<Array<Record<string, Json>>>('GET', '/operators')
  addOperator = (o: {
    firstName?: string
    lastName?: string
    email?: string
    status?: string
    maxConcurrentChats?: number
  }) => this.call<Record<string, Json>>('POST', '/operators', o)
  setOperator = (
    id: string,
    patch: { status?: 'available' | 'busy' | 'offline'; maxConcurrentChats?: number; departmentIds?: string[] }
  ) => this.call<Record<string, Json>>('PUT', `/operators/${id}`, patch)
  setApp = (
    id: string,
    patch: {
      waitingTimeSec?: number
      chatAssignment?: 'auto_assign' | 'manual'
      enabled?: boolean
      businessHours?: 'off' | 'open' | 'closed'
      waitingQueue?: { enabled?: boolean; size?: number }
      offlineMessages?: boolean
    }
  ) => this.call<Record<string, Json>>('PUT', `/apps/${id}`, patch)
  apps = () => this.call<Array<Record<string, Json>>>('GET', '/apps')
  offlineMessages = () => this.call<Array<Record<string, Json>>>('GET', '/offline-messages')

  conversations = (state?: string) =>
    this.call<Array<Record<string, Json>>>('GET', `/conversations${this.qs({ state })}`)
  conversation = (id: string) => this.call<Record<string, Json>>('GET', `/conversations/${id}`)
  accept = (id: string, operatorId?: string) =>
    this.call<Record<string, Json>>('POST', `/conversations/${id}/accept`, { operatorId })
  operatorReply = (id: string, input: ReplyInput) =>
    this.call<{ msgid: string }>('POST', `/conversations/${id}/reply`, toWire(input))
  visitorMessage = (id: string, input: ReplyInput) =>
    this.call<{ msgid: string }>('POST', `/conversations/${id}/visitor-message`, toWire(input))
  transfer = (
    id: string,
    t: { operatorId?: string; departmentId?: string; note?: string; resolve?: 'auto' | 'accept' | 'reject' | 'pending' }
  ) => this.call<Record<string, Json>>('POST', `/conversations/${id}/transfer`, t)
  acceptTransfer = (id: string, operatorId?: string) =>
    this.call<Record<string, Json>>('POST', `/conversations/${id}/transfer/accept`, { operatorId })
  rejectTransfer = (id: string) => this.call<Record<string, Json>>('POST', `/conversations/${id}/transfer/reject`, {})
  complete = (id: string, endedBy?: string) =>
    this.call<Record<string, Json>>('POST', `/conversations/${id}/complete`, { endedBy })
  miss = (id: string) => this.call<Record<string, Json>>('POST', `/conversations/${id}/miss`, {})
  rate = (id: string, rating?: number, feedback?: string) =>
    this.call<Record<string, Json>>('POST', `/conversations/${id}/rate`, { rating, feedback })

  tokenStats = () =>
    this.call<{
      refreshRequests: number
      tokenEndpointCalls: number
      throttledUntil: number | null
      refreshTokens: Array<Record<string, Json>>
    }>('GET', '/tokens')
  invalidateTokens = (refreshToken?: string) =>
    this.call<{ invalidated: number }>('POST', '/tokens/invalidate', { refreshToken })
  throttleTokens = (durationMs: number) =>
    this.call<{ throttledUntil: number }>('POST', '/tokens/throttle', { durationMs })
  unthrottleTokens = () => this.call<{ ok: true }>('DELETE', '/tokens/throttle')

  faults = () => this.call<{ http: unknown[]; webhook: unknown[] }>('GET', '/faults')
  addFault = (f: HttpFault) => this.call<HttpFault & { id: number }>('POST', '/faults', f)
  addWebhookFault = (f: WebhookFault) => this.call<WebhookFault & { id: number }>('POST', '/faults/webhooks', f)
  removeFault = (id: number) => this.call<{ ok: true }>('DELETE', `/faults/${id}`)
  clearFaults = () => this.call<{ ok: true }>('DELETE', '/faults')
  heldDeliveries = () =>
    this.call<Array<{ webhookId: string; event: string; entityId: string }>>('GET', '/webhooks/held')
  releaseDeliveries = (order: 'fifo' | 'reverse' = 'fifo') =>
    this.call<{ released: number }>('POST', '/webhooks/release', { order })
  /** A delivery of your making: `entity` as JSON, or `entityJson` as text spliced into the body as is. */
  deliver = (conversationId: string, event: string, entity: { entity?: Json } | { entityJson: string }) =>
    this.call<{ ok: true }>('POST', '/webhooks/deliver', { conversationId, event, ...entity })

  requests = (f: { method?: string; path?: string; since?: number } = {}) =>
    this.call<RequestLogEntry[]>('GET', `/requests${this.qs(f)}`)
  clearRequests = () => this.call<{ ok: true }>('DELETE', '/requests')
  deliveries = (f: { event?: string; entityId?: string; webhookId?: string; since?: number } = {}) =>
    this.call<DeliveryLogEntry[]>('GET', `/deliveries${this.qs(f)}`)
  clearDeliveries = () => this.call<{ ok: true }>('DELETE', '/deliveries')

  /** A fresh access token from the seeded refresh token (counts against the throttle, like Json refresh). */
  async accessToken(): Promise<string> {
    const c = await this.info()
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: c.clientId,
      client_secret: c.clientSecret,
      refresh_token: c.refreshToken,
    })
    const res = await fetch(`${this.url}/oauth/v2/token`, { method: 'POST', body })
    const json = (await res.json()) as { access_token?: string; error?: string }
    if (!json.access_token) throw new Error(`Zoho emulator refused the seeded refresh token: ${json.error}`)
    return json.access_token
  }

  /** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
  async waitFor<T>(probe: () => Promise<T | undefined | false>, what = 'condition', timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const v = await probe()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline) throw new Error(`Zoho emulator: timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  waitForDelivery(match: (d: DeliveryLogEntry) => boolean, timeoutMs = 5000): Promise<DeliveryLogEntry> {
    return this.waitFor(async () => (await this.deliveries()).find(match), 'a matching webhook delivery', timeoutMs)
  }

  waitForRequest(match: (r: RequestLogEntry) => boolean, timeoutMs = 5000): Promise<RequestLogEntry> {
    return this.waitFor(async () => (await this.requests()).find(match), 'a matching request', timeoutMs)
  }
}

function toWire(input: ReplyInput) {
  const { file, ...rest } = input
  if (!file) return rest
  const bytes = typeof file.data === 'string' ? new TextEncoder().encode(file.data) : file.data
  return { ...rest, file: { name: file.name, contentType: file.contentType, base64: toBase64(bytes) } }
}

/** Works in Node and in the browser (the sandbox page uses this client too). */
function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}
