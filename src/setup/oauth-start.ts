import type * as bp from '.botpress'
import { SALESIQ_SCOPES } from '../zoho/oauth'
import { hostsFor } from '../zoho/regions'

/**
 * Zoho's organisation-level consent page (reference §2): offline access (only that returns a refresh token), every
 * SalesIQ scope we use, our webhook URL as redirect URI, and the state an opened authorization link handed out.
 */
export function consentUrl(ctx: bp.Context, webhookUrl: string, state: string): string {
  const { clientId, region } = ctx.configuration
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    scope: SALESIQ_SCOPES.join(','),
    redirect_uri: webhookUrl,
    access_type: 'offline',
    prompt: 'consent',
    state,
  })
  return `${hostsFor(region).accounts}/oauth/v2/org/auth?${query.toString()}`
}
