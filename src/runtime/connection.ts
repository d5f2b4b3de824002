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
  const oauth = await readIntegrationState(props, 'oauth')
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

export function notConnectedError(props: bp.CommonHandlerProps): RuntimeError {
  return new RuntimeError(
    'The integration is not connected to Zoho yet: open the authorization link logged when the configuration was ' +
      `saved (<webhook URL>/oauth/start, integration ${props.ctx.integrationId}), or paste a refresh token in "refreshToken".`
  )
}
