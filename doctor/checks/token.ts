import { SALESIQ_SCOPES } from '../../src/zoho/oauth'
import { isZohoError } from '../../src/zoho/errors'
import { REGION_HOSTS, type Region } from '../../src/zoho/regions'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, warn, type StepResult } from '../report'

/** The domain part each data center shares between accounts.<x> and the token's api_domain www.zohoapis.<x>. */
const API_DOMAIN: Record<Region, string> = {
  us: 'zohoapis.com',
  eu: 'zohoapis.eu',
  in: 'zohoapis.in',
  au: 'zohoapis.com.au',
  cn: 'zohoapis.com.cn',
  jp: 'zohoapis.jp',
  ca: 'zohoapis.ca',
  sa: 'zohoapis.sa',
}

const regionOfApiDomain = (apiDomain: string | undefined): Region | undefined => {
  if (!apiDomain) return undefined
  let host: string
  try {
    host = new URL(apiDomain).hostname
  } catch {
    return undefined
  }
  return (Object.keys(API_DOMAIN) as Region[]).find((r) => host === `www.${API_DOMAIN[r]}` || host === API_DOMAIN[r])
}

function fixFor(err: unknown, region: Region): string {
  const console = `https://api-console.${REGION_HOSTS[region].accounts.replace('https://accounts.', '')}`
  if (!isZohoError(err)) return 'see the message above.'
  const code = String(err.details.code ?? '')
  if (code === 'invalid_client')
    return `copy "clientId" and "clientSecret" again from ${console} (Server-based or Self Client application); the client must exist in the "${region}" data center.`
  if (code === 'invalid_code')
    return `generate a new refresh token: in ${console} → Self Client → Generate Code with scopes ${SALESIQ_SCOPES.join(',')}, exchange it (grant_type=authorization_code) and paste the refresh_token; or reconnect the integration through the authorization link logged when its configuration is saved.`
  if (err.kind === 'throttled')
    return 'Zoho allows 10 token requests per 10 minutes per refresh token: wait a few minutes and run the doctor again.'
  if (err.kind === 'network' || err.kind === 'timeout') return 'check "region" and the network.'
  return 'see the message above.'
}

export async function checkToken(ctx: DoctorContext): Promise<StepResult[]> {
  const title = 'Token refresh works (client ID, client secret, refresh token)'
  try {
    await ctx.zoho.tokens.getAccessToken()
  } catch (err) {
    ctx.stopped = 'no access token'
    return [fail(title, errorText(err), fixFor(err, ctx.zoho.region))]
  }
  const grant = ctx.zoho.lastGrant()
  const minutes = grant ? Math.round(grant.expiresInMs / 60_000) : undefined
  const results = [pass(title, `access token obtained${minutes ? `, valid ${minutes} min` : ''}`)]
  const accountRegion = regionOfApiDomain(grant?.apiDomain)
  if (accountRegion && accountRegion !== ctx.zoho.region)
    results.push(
      warn(
        'Data center matches the account',
        `Zoho says the account lives in the "${accountRegion}" data center (api_domain ${grant?.apiDomain}), but "region" is "${ctx.zoho.region}".`,
        `set "region" to "${accountRegion}".`
      )
    )
  else if (accountRegion) results.push(pass('Data center matches the account', `api_domain ${grant?.apiDomain}`))
  return results
}
