/** What tests read back: every HTTP request the emulator answered, and every webhook delivery attempt. */

export interface RequestEntry {
  id: number
  time: number
  method: string
  path: string
  query: Record<string, string>
  /** Parsed body (JSON or form fields); uploaded files are summarised as `{file: {name, size, contentType}}`. */
  body?: unknown
  /** 'Zoho-oauthtoken' | 'Bearer' | other scheme | undefined — never the token itself. */
  authScheme?: string
  status: number | null
  durationMs: number
  /** Set when an injected fault answered (or dropped) the request. */
  fault?: string
}

export interface DeliveryEntry {
  id: number
  time: number
  webhookId: string
  url: string
  event: string
  entityId: string
  attempt: number
  /** null = no answer (timeout, connection refused, reset). */
  status: number | null
  error?: string
  durationMs: number
  signed: boolean
  /** ((emulator-only)) 'duplicate' when a webhook fault sent this copy a second time. */
  note?: string
  envelope: Record<string, unknown>
  /** The exact bytes sent (what the signature covers). */
  body: string
}

export class Log<T extends { id: number }> {
  private entries: T[] = []
  private seq = 0

  constructor(private readonly max = 5000) {}

  add(entry: Omit<T, 'id'>): T {
    const e = { ...entry, id: ++this.seq } as T
    this.entries.push(e)
    if (this.entries.length > this.max) this.entries.shift()
    return e
  }

  list(): T[] {
    return [...this.entries]
  }

  clear(): void {
    this.entries = []
  }
}

/** Small query language of `GET /_emulator/requests?method=POST&path=/oauth/v2/token&since=12`. */
export function filterRequests(entries: RequestEntry[], q: Record<string, string | undefined>): RequestEntry[] {
  return entries.filter(
    (e) =>
      (!q.method || e.method === q.method.toUpperCase()) &&
      (!q.path || (q.path.includes('*') ? globToRegExp(q.path).test(e.path) : e.path.includes(q.path))) &&
      (!q.since || e.id > Number(q.since))
  )
}

export function filterDeliveries(entries: DeliveryEntry[], q: Record<string, string | undefined>): DeliveryEntry[] {
  return entries.filter(
    (e) =>
      (!q.event || e.event === q.event) &&
      (!q.entityId || e.entityId === q.entityId) &&
      (!q.webhookId || e.webhookId === q.webhookId) &&
      (!q.since || e.id > Number(q.since))
  )
}

export function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${esc}$`)
}
