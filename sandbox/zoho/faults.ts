import { z } from 'zod'
import { globToRegExp } from './logs'

/**
 * Fault injection as an override stack (the msw model): rules are tried newest first, the first that matches
 * and still has budget fires. `count` limits how often a rule fires, `probability` makes it random.
 * Control routes (`/_emulator/*`) are never faulted.
 */
export const httpFaultSchema = z
  .object({
    /** Glob on the path (`*` = anything), e.g. `/oauth/v2/token` or `/api/v2/acme/webhooks` with stars as wildcards. Absent = every route. */
    path: z.string().optional(),
    method: z.string().optional(),
    /** Added before the answer (alone, or before status/hang/drop). */
    latencyMs: z.number().int().nonnegative().optional(),
    /** Answer this status instead of the real handler (5xx, 429…). */
    status: z.number().int().min(100).max(599).optional(),
    /** Retry-After header (seconds) — defaults to 1 with status 429. */
    retryAfterSec: z.number().int().nonnegative().optional(),
    /** Location header of the injected answer (with a 3xx status: a redirect to wherever it names). */
    location: z.string().optional(),
    /** Body of the injected answer; default: a JSON note naming the fault. */
    body: z.unknown().optional(),
    /** Never answer (the socket stays open until the client gives up or the emulator closes). */
    hang: z.boolean().optional(),
    /** Destroy the socket without any answer. */
    drop: z.boolean().optional(),
    count: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .strict()

export type HttpFaultInput = z.infer<typeof httpFaultSchema>
export type HttpFault = HttpFaultInput & { id: number; fired: number }

export const webhookFaultSchema = z
  .object({
    /** duplicate: send the delivery twice · delay: send it `delayMs` later · hold: keep it until released. */
    action: z.enum(['duplicate', 'delay', 'hold']),
    delayMs: z.number().int().nonnegative().optional(),
    /** Only deliveries of this event (e.g. `conversation.operator.replied`). */
    event: z.string().optional(),
    count: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .strict()

export type WebhookFaultInput = z.infer<typeof webhookFaultSchema>
export type WebhookFault = WebhookFaultInput & { id: number; fired: number }

export class Faults {
  http: HttpFault[] = []
  webhook: WebhookFault[] = []
  /** ((emulator-only)) token endpoint answers "Access Denied" until this time (ms epoch). */
  tokenThrottledUntil = 0
  private seq = 0

  addHttp(f: HttpFaultInput): HttpFault {
    const rule = { ...f, id: ++this.seq, fired: 0 }
    this.http.unshift(rule)
    return rule
  }

  addWebhook(f: WebhookFaultInput): WebhookFault {
    const rule = { ...f, id: ++this.seq, fired: 0 }
    this.webhook.unshift(rule)
    return rule
  }

  /** Finds the rule for a request and consumes one use of it. */
  takeHttp(method: string, path: string): HttpFault | undefined {
    const rule = this.http.find(
      (r) =>
        (!r.method || r.method.toUpperCase() === method) &&
        (!r.path || globToRegExp(r.path).test(path)) &&
        (r.count === undefined || r.fired < r.count)
    )
    return rule && fire(rule) ? rule : undefined
  }

  takeWebhook(event: string): WebhookFault | undefined {
    const rule = this.webhook.find(
      (r) => (!r.event || r.event === event) && (r.count === undefined || r.fired < r.count)
    )
    return rule && fire(rule) ? rule : undefined
  }

  clear(): void {
    this.http = []
    this.webhook = []
    this.tokenThrottledUntil = 0
  }
}

function fire(rule: { probability?: number; fired: number }): boolean {
  if (rule.probability !== undefined && Math.random() >= rule.probability) return false
  rule.fired++
  return true
}
