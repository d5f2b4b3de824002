import type { Response } from '@botpress/sdk'
import type * as bp from '.botpress'
import { forgetOAuthCache } from '../runtime/connection'
import { BotpressTokenStore } from '../state/token-store'
import { isZohoError } from '../zoho/errors'
import { exchangeAuthorizationCode } from '../zoho/oauth'
import { hostsFor, isRegion, trustedAccountsServer, type Region } from '../zoho/regions'
import { credentialFingerprint } from '../zoho/token-manager'
import { oauthPage } from './oauth-page'
import { oauthStartUrl } from './oauth-start'
import { verifyOAuthState } from './oauth-state'
import { runSetup } from './run-setup'
import { readSetup, updateSetup } from './setup-state'

type Props = bp.CommonHandlerProps

/**
 * Zoho's redirect after consent: `?code&state&location&accounts-server`. All of it is untrusted input. The state must
 * be ours; `accounts-server` is used only when it is a known Zoho accounts server (or the ZOHO_ACCOUNTS_URL override)
 * — otherwise nothing is sent anywhere, so the client secret cannot leak. Then: exchange the code, keep the refresh
 * token in state (it wins over the configuration), and finish the setup register could not do without it.
 */
export async function handleOAuthRedirect(props: Props, query: URLSearchParams): Promise<Response> {
  const { ctx } = props
  const { clientId, clientSecret } = ctx.configuration
  const log = props.logger.forBot()
  const setup = await readSetup(props)
  const startAgain = setup.webhookUrl ? `Open ${oauthStartUrl(setup.webhookUrl)} to try again.` : ''

  const state = verifyOAuthState(query.get('state') ?? undefined, clientSecret, ctx.integrationId)
  if (!state.ok) {
    log.warn(`Refused an OAuth redirect whose state is ${state.reason}.`)
    const why =
      state.reason === 'expired'
        ? 'The authorization link has expired (it is valid for 10 minutes).'
        : 'This redirect was not started by this integration (its state does not match).'
    return oauthPage(400, 'Not connected', [why, 'Nothing was changed.', startAgain].filter(Boolean))
  }

  const code = query.get('code') ?? ''
  if (!code.trim())
    return oauthPage(400, 'Not connected', ['Zoho sent no authorization code.', startAgain].filter(Boolean))
  if (!setup.webhookUrl)
    return oauthPage(400, 'Not connected', [
      'Save the integration configuration first (the webhook URL is not known yet).',
    ])

  const server = accountsServerOf(query, ctx.configuration.region)
  if (!server) {
    log.warn("Refused an OAuth redirect naming an accounts server that is not Zoho's; nothing was sent to it.")
    return oauthPage(
      400,
      'Not connected',
      [
        `The redirect names an accounts server that is not one of Zoho's: ${query.get('accounts-server') ?? ''}.`,
        'Nothing was sent to it.',
        startAgain,
      ].filter(Boolean)
    )
  }

  let grant
  try {
    grant = await exchangeAuthorizationCode(
      { clientId, clientSecret, accountsUrl: server.accounts },
      code,
      setup.webhookUrl
    )
  } catch (err) {
    const message = isZohoError(err) ? err.message : 'Zoho Accounts could not be reached.'
    log.error(`The OAuth code exchange failed: ${message}`)
    return oauthPage(502, 'Not connected', [message, startAgain].filter(Boolean))
  }
  if (!grant.refreshToken) {
    return oauthPage(
      502,
      'Not connected',
      ['Zoho returned no refresh token (the consent must use access_type=offline).', startAgain].filter(Boolean)
    )
  }

  await props.client.setState({
    type: 'integration',
    id: ctx.integrationId,
    name: 'oauth',
    payload: {
      refreshToken: grant.refreshToken,
      region: server.region,
      accountsServer: server.accounts,
      obtainedAt: new Date().toISOString(),
    },
  })
  forgetOAuthCache(ctx.integrationId)
  // The exchange already gave an access token: share it, so the setup below spends no refresh (10 per 10 minutes).
  const now = Date.now()
  await new BotpressTokenStore(props).writeToken({
    token: grant.accessToken,
    expiresAt: now + grant.expiresInMs,
    refreshAt: now + grant.expiresInMs - Math.min(5 * 60_000, grant.expiresInMs / 10),
    credential: credentialFingerprint(clientId, clientSecret, grant.refreshToken),
  })
  log.info(`Connected to Zoho (${server.region} data center) through the authorization link.`)

  try {
    const summary = await runSetup(props, setup.webhookUrl)
    return oauthPage(200, 'Connected — you can close this tab', [summary])
  } catch (err) {
    const message = (err as Error).message
    await updateSetup(props, { status: message }).catch(() => undefined)
    return oauthPage(400, 'Connected to Zoho, but the setup is not complete', [
      message,
      'Fix the configuration and save it again: the integration is already authorized.',
    ])
  }
}

/**
 * The accounts server to send the code (and the client secret) to: the redirect's `accounts-server` only when it is
 * trusted; else the region from `location`, else the configured region. The region follows the trusted server.
 */
function accountsServerOf(
  query: URLSearchParams,
  configured: Region
): { accounts: string; region: Region } | undefined {
  const named = query.get('accounts-server')
  const location = query.get('location') ?? ''
  const fallbackRegion: Region = isRegion(location) ? location : configured
  if (!named) return { accounts: hostsFor(fallbackRegion).accounts, region: fallbackRegion }
  const trusted = trustedAccountsServer(named)
  if (!trusted) return undefined
  return { accounts: trusted.accounts, region: trusted.region ?? fallbackRegion }
}
