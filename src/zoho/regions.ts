/** Zoho data centers (reference §1). `accounts.zoho.ca` does not exist: Canada is zohocloud.ca. */
export const REGION_HOSTS = {
  us: { accounts: 'https://accounts.zoho.com', salesiq: 'https://salesiq.zoho.com' },
  eu: { accounts: 'https://accounts.zoho.eu', salesiq: 'https://salesiq.zoho.eu' },
  in: { accounts: 'https://accounts.zoho.in', salesiq: 'https://salesiq.zoho.in' },
  au: { accounts: 'https://accounts.zoho.com.au', salesiq: 'https://salesiq.zoho.com.au' },
  cn: { accounts: 'https://accounts.zoho.com.cn', salesiq: 'https://salesiq.zoho.com.cn' },
  jp: { accounts: 'https://accounts.zoho.jp', salesiq: 'https://salesiq.zoho.jp' },
  ca: { accounts: 'https://accounts.zohocloud.ca', salesiq: 'https://salesiq.zohocloud.ca' },
  sa: { accounts: 'https://accounts.zoho.sa', salesiq: 'https://salesiq.zoho.sa' },
} as const

export type Region = keyof typeof REGION_HOSTS

export const isRegion = (value: unknown): value is Region =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(REGION_HOSTS, value)

const trimSlash = (url: string) => url.replace(/\/+$/, '')

/** Hosts for a region; ZOHO_ACCOUNTS_URL / ZOHO_SALESIQ_URL (emulators, tests) win, read at call time. */
export function hostsFor(region: Region): { accounts: string; salesiq: string } {
  const hosts = REGION_HOSTS[region]
  return {
    accounts: trimSlash(process.env.ZOHO_ACCOUNTS_URL || hosts.accounts),
    salesiq: trimSlash(process.env.ZOHO_SALESIQ_URL || hosts.salesiq),
  }
}

/**
 * The region whose accounts server is exactly `url`, or 'override' for ZOHO_ACCOUNTS_URL; undefined for anything
 * else. The OAuth redirect's `accounts-server` is untrusted: the client secret is only ever sent to these.
 */
export function trustedAccountsServer(url: string): { region?: Region; accounts: string } | undefined {
  let origin: string
  try {
    const parsed = new URL(url)
    if (parsed.username || parsed.password) return undefined
    origin = parsed.origin
  } catch {
    return undefined
  }
  const override = process.env.ZOHO_ACCOUNTS_URL
  if (override && new URL(override).origin === origin) return { accounts: trimSlash(override) }
  for (const [region, hosts] of Object.entries(REGION_HOSTS)) {
    if (hosts.accounts === origin) return { region: region as Region, accounts: hosts.accounts }
  }
  return undefined
}
