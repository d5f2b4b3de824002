/** Counts API calls by operation name, with snapshots so a phase can take its own share. */
export class CallCounter {
  private readonly counts = new Map<string, number>()

  add(op: string, n = 1): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + n)
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts)
  }

  /** Calls since a snapshot, by operation (zero counts left out). */
  since(before: Map<string, number> = new Map()): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [op, n] of this.counts) if (n - (before.get(op) ?? 0) > 0) out[op] = n - (before.get(op) ?? 0)
    return out
  }
}

export const total = (counts: Record<string, number>, filter: (op: string) => boolean = () => true) =>
  Object.entries(counts).reduce((n, [op, c]) => (filter(op) ? n + c : n), 0)

const isId = (segment: string) =>
  /^[a-z]+_[A-Za-z0-9_]+$/.test(segment) || /^\d{3,}$/.test(segment) || /^[0-9a-f]{16,}$/.test(segment)
const normalize = (path: string) =>
  path
    .split('/')
    .map((s) => (isId(s) ? ':id' : s))
    .join('/')

/** A Botpress API request as the @botpress/client method that made it (e.g. `getState(setup)`). */
export function botpressOperation(method: string, path: string): string {
  const p = normalize(path)
  const state = /^\/v1\/chat\/states\/[^/]+\/:id\/([^/]+)(\/get-or-set|\/expiry)?$/.exec(p)
  if (state) {
    const verb =
      state[2] === '/get-or-set'
        ? 'getOrSetState'
        : state[2]
          ? 'setStateExpiry'
          : (({ GET: 'getState', POST: 'setState', PATCH: 'patchState' } as Record<string, string>)[method] ?? method)
    return `${verb}(${state[1]})`
  }
  const known: Record<string, string> = {
    'GET /v1/chat/conversations': 'listConversations',
    'GET /v1/chat/conversations/:id': 'getConversation',
    'POST /v1/chat/conversations/get-or-create': 'getOrCreateConversation',
    'PUT /v1/chat/conversations/:id': 'updateConversation',
    'GET /v1/chat/users/:id': 'getUser',
    'PUT /v1/chat/users/:id': 'updateUser',
    'POST /v1/chat/users/get-or-create': 'getOrCreateUser',
    'POST /v1/chat/messages': 'createMessage',
    'POST /v1/chat/messages/get-or-create': 'getOrCreateMessage',
    'GET /v1/chat/messages': 'listMessages',
    'PUT /v1/chat/messages/:id': 'updateMessage',
    'POST /v1/chat/events': 'createEvent',
    'PUT /v1/files': 'upsertFile',
  }
  return known[`${method} ${p}`] ?? `${method} ${p}`
}

/** A request to the Zoho emulator as what the integration meant by it. */
export function zohoOperation(method: string, path: string): string {
  if (path === '/oauth/v2/token') return 'token'
  const p = normalize(path)
    .replace(/^\/api\/visitor\/v1\/[^/]+/, 'visitor:')
    .replace(/^\/api\/v2\/[^/]+/, 'rest:')
  if (method === 'POST' && p === 'visitor:/conversations/:id/messages') return 'sendVisitorMessage'
  if (method === 'POST' && p === 'visitor:/conversations') return 'openConversation'
  return `${method} ${p}`
}
