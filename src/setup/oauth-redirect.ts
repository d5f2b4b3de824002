import type { Response } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connectWith, forgetOAuthCache } from '../runtime/connection'
import { BotpressTokenStore } from '../state/token-store'
import { isZohoError } from '../zoho/errors'
import { exchangeAuthorizationCode, revokeRefreshToken, type TokenGrant } from '../zoho/oauth'
import { hostsFor, isRegion, trustedAccountsServer, type Region } from '../zoho/regions'
import { credentialFingerprint } from '../zoho/token-manager'
import { checkGrantScopes, MemoryTokenStore } from './grant-check'
import { takeOAuthState } from './oauth-link'
import { oauthPage } from './oauth-page'
import { recordSetup, setUpSalesIQ } from './run-setup'
import { readSetup } from './setup-state'

type Props = bp.CommonHandlerProps

const START_AGAIN = 'Save the integration configuration again and open the new link it logs.'

/**
 * Zoho's redirect after consent: `?code&state&location&accounts-server`. All of it is untrusted input.
 * 1. The state must be one an opened authorization link handed out, and it is used up first (no replay).
 * 2. `accounts-server` is used only when it is a known Zoho accounts server (or the ZOHO_ACCOUNTS_URL override), and
 *    only when it is the configured region's: the client secret goes nowhere else, and the region is not overridden.
 * 3. The code is exchanged, and the new grant is tried — scopes, the configured portal, app and department, the
 *    webhook — before anything is stored. A grant that fails is given back to Zoho (revoked) and changes nothing.
 * 4. Only then the grant, its access token and the webhook keys are stored.
 */
export async function handleOAuthRedirect(props: Props, query: URLSearchParams): Promise<Response> {
  const { ctx } = props
  const { clientId, clientSecret } = ctx.configuration
  const log = props.logger.forBot()

  const state = await takeOAuthState(props, query.get('state') ?? undefined)
  if (!state.ok) {
    log.warn('Refused an OAuth redirect whose state was not handed out by an authorization link (or was used already).')
    return oauthPage(400, 'Not connected', [
      'This redirect was not started by this integration, or its authorization link was used already or expired.',
      'Nothing was changed.',
      START_AGAIN,
    ])
  }

  const code = query.get('code') ?? ''
  if (!code.trim()) return oauthPage(400, 'Not connected', ['Zoho sent no authorization code.', START_AGAIN])
  const setup = await readSetup(props)
  if (!setup.webhookUrl)
    return oauthPage(400, 'Not connected', [
      'Save the integration configuration first (the webhook URL is not known yet).',
    ])

  const server = accountsServerOf(query, ctx.configuration.region)
  if ('refused' in server) {
    log.warn(`Refused an OAuth redirect: ${server.refused} Nothing was sent to it.`)
    return oauthPage(400, 'Not connected', [
      server.refused,
      'Nothing was sent to it; nothing was changed.',
      START_AGAIN,
    ])
  }

  let grant: TokenGrant
  try {
    grant = await exchangeAuthorizationCode(
      { clientId, clientSecret, accountsUrl: server.accounts },
      code,
      setup.webhookUrl
    )
  } catch (err) {
    const message = isZohoError(err) ? err.message : 'Zoho Accounts could not be reached.'
    log.error(`The OAuth code exchange failed: ${message}`)
    return oauthPage(502, 'Not connected', [message, 'Nothing was changed.', START_AGAIN])
  }
  if (!grant.refreshToken) {
    return oauthPage(502, 'Not connected', [
      'Zoho returned no refresh token (the consent must use access_type=offline).',
      'Nothing was changed.',
      START_AGAIN,
    ])
  }
  const refreshToken = grant.refreshToken

  // Try the grant with a private token store: nothing reaches Botpress until it passed.
  const now = Date.now()
  const token = {
    token: grant.accessToken,
    expiresAt: now + grant.expiresInMs,
    refreshAt: now + grant.expiresInMs - Math.min(5 * 60_000, grant.expiresInMs / 10),
    credential: credentialFingerprint(clientId, clientSecret, refreshToken),
  }
  const candidate = connectWith(props, refreshToken, new MemoryTokenStore(token))
  let outcome
  try {
    await checkGrantScopes(candidate.salesiq, grant)
    outcome = await setUpSalesIQ(candidate, setup.webhookUrl)
  } catch (err) {
    const message = (err as Error).message
    log.warn(`Refused the Zoho account connected through the authorization link: ${message}`)
    await revokeRefreshToken(server.accounts, refreshToken).catch(() => undefined)
    return oauthPage(400, 'Not connected', [
      message,
      'Nothing was changed: the integration keeps its current connection.',
      START_AGAIN,
    ])
  }

  await props.client.setState({
    type: 'integration',
    id: ctx.integrationId,
    name: 'oauth',
    payload: {
      refreshToken,
      region: server.region,
      accountsServer: server.accounts,
      obtainedAt: new Date().toISOString(),
    },
  })
  forgetOAuthCache(ctx.integrationId)
  // The exchange already gave an access token: share it, so no refresh is spent (10 per 10 minutes).
  await new BotpressTokenStore(props).writeToken(token)
  await recordSetup(props, outcome)
  log.info(`Connected to Zoho (${server.region} data center) through the authorization link.`)
  if (ctx.configuration.refreshToken?.trim())
    log.warn('The configuration holds a refresh token: it keeps priority over this connection until it is removed.')
  return oauthPage(200, 'Connected — you can close this tab', [outcome.summary])
}

/**
 * The accounts server to send the code (and the client secret) to: the redirect's `accounts-server` only when it is
 * trusted, else the region's own. Either way it must be the configured region's data center.
 */
function accountsServerOf(
  query: URLSearchParams,
  configured: Region
): { accounts: string; region: Region } | { refused: string } {
  const named = query.get('accounts-server')
  const location = query.get('location') ?? ''
  const trusted = named ? trustedAccountsServer(named) : undefined
  if (named && !trusted)
    return { refused: `The redirect names an accounts server that is not one of Zoho's: ${named}.` }
  const region = trusted?.region ?? (isRegion(location) ? location : configured)
  if (region !== configured)
    return {
      refused:
        `The Zoho account that consented is in the "${region}" data center, but "region" is "${configured}". ` +
        'Set "region" to that data center (or consent with an account of the configured one).',
    }
  return { accounts: trusted?.accounts ?? hostsFor(configured).accounts, region }
}
