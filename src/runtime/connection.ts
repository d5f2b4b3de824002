import { RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'
import { BotpressTokenStore } from '../state/token-store'
import { hostsFor, isRegion, type Region } from '../zoho/regions'
import { SalesIQClient } from '../zoho/salesiq'
import { TokenManager } from '../zoho/token-manager'

export type Connection = { salesiq: SalesIQClient; tokens: TokenManager; region: Region; config: bp.Configuration }

/**
 * Builds the SalesIQ client for one request. The refresh token obtained through the OAuth redirect (integration
 * state) wins over the one pasted in the configuration, and so does the region detected there.
 */
export async function connect(props: bp.CommonHandlerProps): Promise<Connection> {
  const config = props.ctx.configuration
  const oauth = await readOAuth(props)
  const refreshToken = oauth?.refreshToken || config.refreshToken
  if (!refreshToken) throw notConnectedError(props)
  const region: Region = isRegion(oauth?.region) ? oauth.region : config.region
  const tokens = new TokenManager(
    {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      accountsUrl: hostsFor(region).accounts,
      refreshToken,
      cacheKey: props.ctx.integrationId,
    },
    new BotpressTokenStore(props)
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
  if (value?.refreshToken || props.ctx.configuration.refreshToken)
    oauthCache.set(key, { value, until: Date.now() + OAUTH_CACHE_MS })
  return value
}

/** After the OAuth redirect stored a new refresh token, this instance uses it at once. */
export const forgetOAuthCache = (integrationId: string) => oauthCache.delete(integrationId)

export function notConnectedError(props: bp.CommonHandlerProps): RuntimeError {
  return new RuntimeError(
    'The integration is not connected to Zoho yet: open the authorization link logged when the configuration was ' +
      `saved (<webhook URL>/oauth/start, integration ${props.ctx.integrationId}), or paste a refresh token in "refreshToken".`
  )
}
