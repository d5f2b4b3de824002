import type { Dump, Fault, FaultSpec, LoggedRequest } from './types'

export type RequestQuery = {
  method?: string
  /** Glob on the path, e.g. `/v1/chat/states/*`. */
  path?: string
  status?: number
  /** Only requests logged after this seq. */
  since?: number
  botId?: string
  integrationId?: string
}

/** Typed fetch client for the emulator's control API (`/_emulator/*`), for tests and the sandbox. */
export class BotpressEmulatorControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`Botpress emulator control ${method} ${path} answered ${res.status}: ${text}`)
    return (text ? JSON.parse(text) : {}) as T
  }

  async addFault(spec: FaultSpec): Promise<Fault> {
    return (await this.call<{ fault: Fault }>('POST', '/_emulator/faults', spec)).fault
  }

  async faults(): Promise<Fault[]> {
    return (await this.call<{ faults: Fault[] }>('GET', '/_emulator/faults')).faults
  }

  async removeFault(id: number): Promise<void> {
    await this.call('DELETE', `/_emulator/faults/${id}`)
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_emulator/faults')
  }

  async requests(query: RequestQuery = {}): Promise<LoggedRequest[]> {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v))
    const qs = params.toString()
    return (await this.call<{ requests: LoggedRequest[] }>('GET', `/_emulator/requests${qs ? `?${qs}` : ''}`)).requests
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/_emulator/requests')
  }

  async reset(): Promise<void> {
    await this.call('POST', '/_emulator/reset')
  }

  async dump(botId?: string): Promise<Dump> {
    return this.call<Dump>('GET', `/_emulator/dump${botId ? `?botId=${encodeURIComponent(botId)}` : ''}`)
  }

  async health(): Promise<boolean> {
    return (await this.call<{ ok: boolean }>('GET', '/_emulator/health')).ok
  }
}
