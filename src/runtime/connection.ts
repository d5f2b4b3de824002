import { RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'
import { BotpressTokenStore } from '../state/token-store'
import { hostsFor, type Region } from '../zoho/regions'
import { SalesIQClient } from '../zoho/salesiq'
import { TokenManager, type TokenStore } from '../zoho/token-manager'

export type Connection = { salesiq: SalesIQClient; tokens: TokenManager; region: Region; config: bp.Configuration }

/**
 * Builds the SalesIQ client for one request. What the owner configured wins: a refresh token pasted in the
 * configuration is used as is; only without one does the grant made through the logged authorization link count
 * (stored in integration state after it was validated against this configuration). The region is always the
 * configured one: a grant is only stored when it belongs to it.
 */
export async function connect(props: bp.CommonHandlerProps): Promise<Connection> {
  const config = props.ctx.configuration
  const configured = config.refreshToken?.trim()
  const refreshToken = configured || (await readOAuth(props))?.refreshToken
  if (!refreshToken) throw notConnectedError(props)
  return connectWith(props, refreshToken, new BotpressTokenStore(props))
}

/** The same connection for a given refresh token and token store (the OAuth redirect tries a grant before storing it). */
export function connectWith(props: bp.CommonHandlerProps, refreshToken: string, store: TokenStore): Connection {
  const config = props.ctx.configuration
  const region: Region = config.region
  const tokens = new TokenManager(
    {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      accountsUrl: hostsFor(region).accounts,
      refreshToken,
      cacheKey: props.ctx.integrationId,
    },
    store
  )
  return { salesiq: new SalesIQClient(tokens, region, config.screenName), tokens, region, config }
}

/**
 * The OAuth state changes once in a blue moon; reading it on every relayed message would cost a Botpress call each.
 * A short memory cache is safe: a replaced refresh token stays valid at Zoho, and "not connected" is never cached.
 */
const OAUTH_CACHE_MS = 30_000
const oauthCache = new Map<string, { value: bp.States['oauth'] | undefined; until: number }>()

async function readOAuth(props: bp.CommonHandlerProps) {
  const key = props.ctx.integrationId
  const cached = oauthCache.get(key)
  if (cached && cached.until > Date.now()) return cached.value
  const value = await readIntegrationState(props, 'oauth')
  if (value?.refreshToken) oauthCache.set(key, { value, until: Date.now() + OAUTH_CACHE_MS })
  return value
}

/** After the OAuth redirect stored a new refresh token, this instance uses it at once. */
export const forgetOAuthCache = (integrationId: string) => oauthCache.delete(integrationId)

export function notConnectedError(props: bp.CommonHandlerProps): RuntimeError {
  return new RuntimeError(
    'The integration is not connected to Zoho yet: open the authorization link logged when the configuration was ' +
      `saved ("Connect Zoho SalesIQ: open <webhook URL>/oauth/start?link=…", integration ${props.ctx.integrationId}; ` +
      'save the configuration again for a new one), or paste a refresh token in "refreshToken".'
  )
}
