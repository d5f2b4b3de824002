import { z } from 'zod'
import type { Fault, FaultSpec } from './types'

/**
 * Fault injection as an override stack: rules are tried newest first; the first that matches and still has budget
 * fires. `count` limits how often a rule fires, `probability` makes it random. Control routes (`/_emulator/*`) are
 * never faulted. Same rule shape as the Zoho emulator's HTTP faults.
 */
export const faultSchema: z.ZodType<FaultSpec> = z
  .object({
    path: z.string().optional(),
    method: z.string().optional(),
    caller: z.string().min(1).optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    status: z.number().int().min(100).max(599).optional(),
    retryAfterSec: z.number().int().nonnegative().optional(),
    body: z.unknown().optional(),
    drop: z.boolean().optional(),
    count: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .strict()

/** `*` matches any run of characters (slashes included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
}

export class Faults {
  rules: Fault[] = []
  private seq = 0

  add(spec: FaultSpec): Fault {
    const rule: Fault = { ...spec, id: ++this.seq, fired: 0 }
    this.rules.unshift(rule)
    return rule
  }

  remove(id: number): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }

  clear(): void {
    this.rules = []
  }

  /** The rule that applies to this request, with one use consumed (undefined: answer normally). */
  take(method: string, path: string, integrationId?: string): Fault | undefined {
    const rule = this.rules.find(
      (r) =>
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (!r.caller || r.caller === (integrationId ?? 'bot')) &&
        (!r.path || globToRegExp(r.path).test(path)) &&
        (r.count === undefined || r.fired < r.count)
    )
    if (!rule) return undefined
    if (rule.probability !== undefined && Math.random() >= rule.probability) return undefined
    rule.fired++
    return rule
  }
}
