import type { LoggedRequest } from './types'

export type RequestFilter = {
  method?: string
  /** Glob on the path (`*` = anything), e.g. `/v1/chat/states/*`. */
  path?: string
  status?: number
  /** Only entries with seq greater than this. */
  since?: number
  botId?: string
  integrationId?: string
}

/** Every API request the emulator answered (control routes excluded), oldest first, capped. */
export class RequestLog {
  private entries: LoggedRequest[] = []
  private seq = 0

  constructor(private readonly cap = 5000) {}

  nextSeq(): number {
    return ++this.seq
  }

  add(entry: LoggedRequest): void {
    this.entries.push(entry)
    if (this.entries.length > this.cap) this.entries.splice(0, this.entries.length - this.cap)
  }

  list(filter: RequestFilter, matchPath: (glob: string, path: string) => boolean): LoggedRequest[] {
    return this.entries.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path || matchPath(filter.path, e.path)) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.since === undefined || e.seq > filter.since) &&
        (!filter.botId || e.headers['x-bot-id'] === filter.botId) &&
        (!filter.integrationId || e.headers['x-integration-id'] === filter.integrationId)
    )
  }

  clear(): void {
    this.entries = []
  }
}
