import { ZohoError } from './errors'
import { backoffMs, parseRetryAfter, shouldRetry, type Outcome } from './retry-policy'

export const DEFAULT_TIMEOUT_MS = 15_000

export type SendOptions = {
  operation: string
  idempotent: boolean
  timeoutMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function networkCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string } })?.cause
  return cause?.code ?? (err as { code?: string })?.code
}

/**
 * One HTTP exchange with Zoho, with a timeout on every attempt and the bounded retries of retry-policy.ts.
 * Returns the final response (any status); throws ZohoError for network failures and timeouts.
 * Every request here carries a credential (the client secret with a code or refresh token, or an access token), so
 * a redirect is never followed: a 3xx is refused as it stands, and nothing is sent to the host it names.
 */
export async function sendWithRetries(url: string, init: RequestInit, opts: SendOptions): Promise<Response> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  for (let attempt = 0; ; attempt++) {
    let outcome: Outcome
    let response: Response | undefined
    try {
      response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined)
        throw new ZohoError(
          'invalid_request',
          `Zoho answered ${opts.operation} with a redirect (HTTP ${response.status}); requests that carry credentials never follow one.`,
          { operation: opts.operation, status: response.status }
        )
      }
      outcome = {
        type: 'status',
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      }
    } catch (err) {
      if (err instanceof ZohoError) throw err
      const timedOut = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError'
      outcome = timedOut ? { type: 'timeout' } : { type: 'network', code: networkCode(err) }
    }
    if (!shouldRetry(outcome, attempt, opts.idempotent)) {
      if (response) return response
      throw outcome.type === 'timeout'
        ? new ZohoError(
            'timeout',
            `Zoho did not answer ${opts.operation} within ${timeoutMs} ms; it may still have been processed.`,
            { operation: opts.operation }
          )
        : new ZohoError(
            'network',
            `Could not reach Zoho for ${opts.operation} (${(outcome as { code?: string }).code ?? 'network error'}): check "region" and the network.`,
            { operation: opts.operation }
          )
    }
    await response?.body?.cancel().catch(() => undefined)
    await sleep(backoffMs(attempt, outcome.type === 'status' ? outcome.retryAfterMs : undefined))
  }
}

/** Reads a body as JSON when there is one; SalesIQ answers some calls with an empty 2xx body. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text.trim()) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return { unparsable: text.slice(0, 200) }
  }
}
