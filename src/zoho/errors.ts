/**
 * One error type for everything Zoho answers badly. Callers branch on `kind`, never on message text; `message` says
 * what failed and how to fix it, and never contains a token or secret.
 */
export type ZohoErrorKind =
  | 'auth' // credentials, refresh token, client: the bot builder must fix the configuration
  | 'invalid_token' // access token rejected: refresh once and retry
  | 'scope' // the token lacks a SalesIQ scope
  | 'throttled' // Zoho Accounts "Access Denied" or SalesIQ 1023: wait
  | 'not_found' // portal, app, department, conversation…
  | 'invalid_request' // our request was refused as invalid
  | 'conversation_closed'
  | 'timeout' // no answer in time; the request may have been processed
  | 'network' // could not reach Zoho
  | 'server' // 5xx, 429 after retries
  | 'unknown'

export class ZohoError extends Error {
  override readonly name = 'ZohoError'
  constructor(
    readonly kind: ZohoErrorKind,
    message: string,
    readonly details: { operation: string; status?: number; code?: number | string; retryAfterMs?: number } = {
      operation: 'unknown',
    }
  ) {
    super(message)
  }
}

export const isZohoError = (err: unknown, kind?: ZohoErrorKind): err is ZohoError =>
  err instanceof ZohoError && (kind === undefined || err.kind === kind)

type ApiErrorBody = { code?: number | string; message?: string }

/** Maps a SalesIQ `{"error":{code,message}}` (HTTP 200 or not) to a ZohoError with a fix in the sentence. */
export function salesiqError(operation: string, status: number, error: ApiErrorBody, context: string): ZohoError {
  const code = Number(error.code)
  const said = error.message ? ` (SalesIQ said: "${error.message}")` : ''
  const details = { operation, status, code: error.code }
  switch (code) {
    case 1002:
    case 1008:
      return new ZohoError('invalid_token', `SalesIQ rejected the access token during ${operation}${said}.`, details)
    case 1005:
      return new ZohoError(
        'not_found',
        `SalesIQ does not know this portal${context}${said}: check "screenName" (the name in https://salesiq.zoho.<domain>/<screen name>/mychats) and "region" (the data center of your account).`,
        details
      )
    case 1016:
      // Also what SalesIQ may answer for an action on a chat that is over: callers acting on a chat read its state
      // before they show this (SalesIQClient), so the advice below is left for a real permission error.
      return new ZohoError(
        'scope',
        `SalesIQ denied permission for ${operation}${said}: check that the Zoho user who connected is a SalesIQ operator/admin of this portal and that every SalesIQ scope was granted (reconnect through the authorization link).`,
        details
      )
    case 1009:
      return new ZohoError(
        'scope',
        `The Zoho token lacks a permission needed for ${operation}${said}: reconnect through the authorization link so every SalesIQ scope is granted, or add the missing scope to your refresh token.`,
        details
      )
    case 1019:
    case 1020:
    case 1024:
    case 1025:
      return new ZohoError(
        'not_found',
        `SalesIQ refused ${operation}${context}${said}: check the ids in the configuration.`,
        details
      )
    case 1023:
      return new ZohoError(
        'throttled',
        `SalesIQ is throttling requests (${operation})${said}; try again shortly.`,
        details
      )
    default:
      return new ZohoError('invalid_request', `SalesIQ refused ${operation}${context}${said}.`, details)
  }
}
