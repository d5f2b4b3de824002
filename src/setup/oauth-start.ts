import type * as bp from '.botpress'
import { SALESIQ_SCOPES } from '../zoho/oauth'
import { hostsFor } from '../zoho/regions'
import { makeOAuthState } from './oauth-state'

/** The link the bot owner opens (logged by register): `<webhook URL>/oauth/start`. */
export const oauthStartUrl = (webhookUrl: string) => `${webhookUrl.replace(/\/+$/, '')}/oauth/start`

/**
 * Zoho's organisation-level consent page (reference §2): offline access (only that returns a refresh token), every
 * SalesIQ scope we use, our webhook URL as redirect URI, and a state the redirect handler will accept back.
 */
export function consentUrl(ctx: bp.Context, webhookUrl: string): string {
  const { clientId, clientSecret, region } = ctx.configuration
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    scope: SALESIQ_SCOPES.join(','),
    redirect_uri: webhookUrl,
    access_type: 'offline',
    prompt: 'consent',
    state: makeOAuthState(clientSecret, ctx.integrationId),
  })
  return `${hostsFor(region).accounts}/oauth/v2/org/auth?${query.toString()}`
}
