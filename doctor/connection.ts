import { hostsFor, isRegion, type Region } from '../src/zoho/regions'
import { refreshAccessToken, type ClientCredentials, type TokenGrant } from '../src/zoho/oauth'
import { SalesIQClient } from '../src/zoho/salesiq'
import { TokenManager } from '../src/zoho/token-manager'
import type { DoctorConfig } from './config'
import { MemoryTokenStore } from './memory-token-store'
import { registerSecret } from './secrets'

export type ZohoConnection = {
  region: Region
  tokens: TokenManager
  salesiq: SalesIQClient
  /** The last token grant (its api_domain tells the data center the account lives in). */
  lastGrant(): TokenGrant | undefined
}

/** The integration's own Zoho layer (token manager + SalesIQ client), with an in-memory token store. */
export function connectZoho(config: DoctorConfig, cacheKey = 'doctor'): ZohoConnection {
  const region: Region = isRegion(config.region) ? config.region : 'us'
  let grant: TokenGrant | undefined
  const refresh = async (creds: ClientCredentials, refreshToken: string) => {
    grant = await refreshAccessToken(creds, refreshToken)
    registerSecret(grant.accessToken)
    if (grant.refreshToken) registerSecret(grant.refreshToken)
    return grant
  }
  const tokens = new TokenManager(
    {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      accountsUrl: hostsFor(region).accounts,
      refreshToken: config.refreshToken,
      cacheKey,
    },
    new MemoryTokenStore(),
    refresh
  )
  return { region, tokens, salesiq: new SalesIQClient(tokens, region, config.screenName), lastGrant: () => grant }
}
