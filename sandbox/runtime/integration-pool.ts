import { callIntegration, type Identity, type ProtocolAnswer } from './protocol'
import { startIntegration, type IntegrationProcess } from './integration-process'

export type Routing = 'round-robin' | 'pinned'

/**
 * N instances of the integration behind one Botpress, as Botpress Cloud runs it. `round-robin` spreads consecutive
 * calls over the instances (the strictest test of statelessness); `pinned` sends a given key (e.g. a conversation)
 * always to the same instance.
 */
export class IntegrationPool {
  private next = 0
  private constructor(
    readonly instances: IntegrationProcess[],
    readonly identity: Identity,
    public configuration: Record<string, unknown>,
    public routing: Routing
  ) {}

  static async start(opts: {
    instances: number
    env: Record<string, string>
    identity: Identity
    configuration: Record<string, unknown>
    routing?: Routing
  }): Promise<IntegrationPool> {
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, opts.instances) }, () => startIntegration(opts.env))
    )
    const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) {
      // none of them may outlive a failed start
      await Promise.all(instances.map((i) => i.close()))
      throw failed.reason
    }
    return new IntegrationPool(instances, opts.identity, opts.configuration, opts.routing ?? 'round-robin')
  }

  /** Index of the instance that takes the next call (with `key`, under `pinned` routing). */
  pick(key?: string): number {
    if (this.routing === 'pinned' && key !== undefined) {
      let hash = 0
      for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
      return hash % this.instances.length
    }
    return this.next++ % this.instances.length
  }

  async call(operation: string, body: unknown, key?: string): Promise<ProtocolAnswer> {
    const instance = this.pick(key)
    const answer = await callIntegration(
      this.instances[instance]!.url,
      this.identity,
      this.configuration,
      operation,
      body
    )
    return { ...answer, instance }
  }

  /** Everything every instance printed (the secret scan reads it). */
  output(): string {
    return this.instances.map((i) => i.output()).join('\n')
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.close()))
  }
}
