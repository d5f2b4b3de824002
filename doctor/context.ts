import type { WebhookObject } from '../src/zoho/salesiq'
import type { DoctorConfig } from './config'
import type { ZohoConnection } from './connection'
import type { Target } from './target'

/** What the steps share: the settings, the connection, and what earlier steps found out. */
export type DoctorContext = {
  config: DoctorConfig
  target: Target
  zoho: ZohoConnection
  /** Set by a step whose failure makes every later Zoho call pointless (unreachable, no token, wrong portal). */
  stopped?: string
  missingScopes: string[]
  webhook?: WebhookObject
  webhookKeys: string[]
  /** Why no test chat can be opened (a wrong app or department): the delivery step says so instead of failing again. */
  noTestChat?: string
  /** Operators available now, when the operators step could tell. */
  availableOperators?: number
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err))
