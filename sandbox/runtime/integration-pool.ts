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
    const instances = await Promise.all(
      Array.from({ length: Math.max(1, opts.instances) }, () => startIntegration(opts.env))
    )
    return new IntegrationPool(instances, opts.identity, opts.configuration, opts.routing ?? 'round-robin')
  }

  pick(key?: string): IntegrationProcess {
    if (this.routing === 'pinned' && key !== undefined) {
      let hash = 0
      for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
      return this.instances[hash % this.instances.length]!
    }
    return this.instances[this.next++ % this.instances.length]!
  }

  call(operation: string, body: unknown, key?: string): Promise<ProtocolAnswer> {
    return callIntegration(this.pick(key).url, this.identity, this.configuration, operation, body)
  }

  /** Everything every instance printed (the secret scan reads it). */
  output(): string {
    return this.instances.map((i) => i.output()).join('\n')
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.close()))
  }
}
