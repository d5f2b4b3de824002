import { salesiqError, ZohoError } from './errors'
import { readJson, sendWithRetries } from './http'
import type { TokenManager } from './token-manager'

export type Body = { json: unknown } | { form: FormData } | undefined

export type RequestSpec = {
  operation: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  body?: Body
  /** Appended to error messages, e.g. ` for department "42"`. */
  context?: string
  timeoutMs?: number
  /** Overrides the method's default (GET/PUT/DELETE are retried on lost answers): a PUT that files something is not. */
  idempotent?: boolean
}

const isInvalidToken = (status: number, body: unknown) => {
  const code = Number((body as { error?: { code?: unknown } })?.error?.code)
  return code === 1008 || code === 1002 || (status === 401 && !(body as { error?: unknown })?.error)
}

/**
 * Every SalesIQ call goes through here: auth header, body-level error detection (Zoho errors may come with HTTP 200),
 * and exactly one refresh-and-retry when the access token is refused (1008/1002, any status).
 */
export async function salesiqRequest<T = unknown>(tokens: TokenManager, spec: RequestSpec): Promise<T> {
  const send = async (token: string) => {
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${token}` }
    let body: BodyInit | undefined
    if (spec.body && 'json' in spec.body) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(spec.body.json)
    } else if (spec.body && 'form' in spec.body) {
      body = spec.body.form
    }
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'PUT' || spec.method === 'DELETE')
    const response = await sendWithRetries(
      spec.url,
      { method: spec.method, headers, body },
      { operation: spec.operation, idempotent, timeoutMs: spec.timeoutMs }
    )
    return { status: response.status, body: await readJson(response) }
  }

  // A refused token is never used again. The next one may be another instance's copy that Zoho refused too (after
  // Zoho invalidated every token): then one more try, which now refreshes. A token refreshed after the refusal that
  // Zoho still refuses ends it: no second refresh, no loop.
  let token = await tokens.getAccessToken()
  let result = await send(token)
  let refusedAt = 0
  for (let retry = 0; retry < 2 && isInvalidToken(result.status, result.body); retry++) {
    if (retry > 0 && tokens.refreshedSince(token, refusedAt)) break
    refusedAt = Date.now()
    token = await tokens.getAccessToken(token)
    result = await send(token)
  }

  const error = (result.body as { error?: unknown })?.error
  if (error && typeof error === 'object')
    throw salesiqError(spec.operation, result.status, error as { code?: number; message?: string }, spec.context ?? '')
  if (isInvalidToken(result.status, result.body))
    throw new ZohoError('invalid_token', `SalesIQ refused a freshly refreshed access token during ${spec.operation}.`, {
      operation: spec.operation,
      status: result.status,
    })
  if (result.status >= 400)
    throw new ZohoError(
      result.status === 429 || result.status >= 500 ? 'server' : 'invalid_request',
      `SalesIQ answered ${spec.operation} with HTTP ${result.status}.`,
      { operation: spec.operation, status: result.status }
    )
  return result.body as T
}
