import { RuntimeError } from '@botpress/sdk'
import { isZohoError } from '../zoho/errors'
import { missingScopes, SALESIQ_SCOPES, type TokenGrant } from '../zoho/oauth'
import type { SalesIQClient } from '../zoho/salesiq'
import type { StoredToken, Throttle, TokenStore } from '../zoho/token-manager'

/**
 * A new grant, before it is stored, must cover every scope the integration uses. Zoho's token answer does not
 * document the granted scopes: when it names them they are checked; otherwise the read-only calls that need each
 * module's scope are tried (apps and departments are tried by the configuration check, webhooks by the webhook
 * setup that follows). A consent narrowed to fewer scopes fails here, with the scope it lacks.
 */
export async function checkGrantScopes(salesiq: SalesIQClient, grant: TokenGrant): Promise<void> {
  if (grant.scope) {
    const missing = missingScopes(grant.scope)
    if (missing.length) throw new RuntimeError(lacking(missing.join(', ')))
  }
  for (const [scope, probe] of [
    ['SalesIQ.operators.READ', () => salesiq.listOperators()],
    ['SalesIQ.conversations.READ', () => salesiq.probeConversations()],
    ['SalesIQ.webhooks.READ', () => salesiq.listWebhooks()],
  ] as const) {
    try {
      await probe()
    } catch (err) {
      if (isZohoError(err, 'scope')) throw new RuntimeError(lacking(scope))
      throw err
    }
  }
}

const lacking = (scope: string) =>
  `The Zoho account connected without the permission ${scope}. Accept every permission on Zoho's consent page ` +
  `(the integration asks for ${SALESIQ_SCOPES.join(', ')}); the Zoho user must be an admin of the SalesIQ portal.`

/** The token store of a grant on trial: memory only, so a grant that fails leaves nothing in Botpress. */
export class MemoryTokenStore implements TokenStore {
  private throttle: Throttle | undefined
  constructor(private token: StoredToken | undefined) {}
  async readToken() {
    return this.token
  }
  async writeToken(token: StoredToken) {
    this.token = token
  }
  async acquireLease() {
    return true
  }
  async releaseLease() {}
  async readThrottle() {
    return this.throttle
  }
  async writeThrottle(throttle: Throttle | undefined) {
    this.throttle = throttle
  }
}
