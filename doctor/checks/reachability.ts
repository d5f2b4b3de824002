import { sendWithRetries } from '../../src/zoho/http'
import { hostsFor, REGION_HOSTS, type Region } from '../../src/zoho/regions'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, type StepResult } from '../report'

/** Any HTTP answer proves the host is reachable from here; only a network error or a timeout fails. */
async function probe(name: 'Zoho Accounts' | 'SalesIQ', url: string, region: Region): Promise<StepResult> {
  const title = `Region reachable: ${name} (${url})`
  try {
    const res = await sendWithRetries(
      url,
      { method: 'GET' },
      { operation: `reaching ${name}`, idempotent: true, timeoutMs: 8000 }
    )
    await res.body?.cancel().catch(() => undefined)
    return pass(title, `answered HTTP ${res.status}`)
  } catch (err) {
    const hosts = REGION_HOSTS[region]
    return fail(
      title,
      errorText(err),
      `check "region" (${region} = ${name === 'SalesIQ' ? hosts.salesiq : hosts.accounts}; the data center is the domain you see when you open SalesIQ), ` +
        'and that this machine reaches the internet (proxy, firewall). ZOHO_ACCOUNTS_URL / ZOHO_SALESIQ_URL, when set, replace these hosts.'
    )
  }
}

export async function checkReachable(ctx: DoctorContext): Promise<StepResult[]> {
  const hosts = hostsFor(ctx.zoho.region)
  const results = [
    await probe('Zoho Accounts', hosts.accounts, ctx.zoho.region),
    await probe('SalesIQ', hosts.salesiq, ctx.zoho.region),
  ]
  if (results.some((r) => r.status === 'FAIL')) ctx.stopped = 'Zoho is not reachable'
  return results
}
