import { isZohoError } from '../../src/zoho/errors'
import { hostsFor } from '../../src/zoho/regions'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, skip, type StepResult } from '../report'

/**
 * The portal (screen name): the first REST read that is not refused for lack of scope tells whether SalesIQ knows it
 * (error 1005 otherwise). Every later call lives under /api/v2/<screen name>, so a wrong one stops the run.
 */
export async function checkScreenName(ctx: DoctorContext): Promise<StepResult> {
  const { salesiq } = ctx.zoho
  const title = `Screen name "${ctx.config.screenName}" (SalesIQ portal)`
  const reads = [() => salesiq.listApps(), () => salesiq.listOperators(), () => salesiq.listWebhooks()]
  for (const read of reads) {
    try {
      await read()
      return pass(title, `portal found at ${hostsFor(ctx.zoho.region).salesiq}/${ctx.config.screenName}`)
    } catch (err) {
      if (isZohoError(err, 'scope')) continue
      ctx.stopped = 'unknown portal'
      const wrongPortal = isZohoError(err, 'not_found') && Number(err.details.code) === 1005
      return fail(
        title,
        errorText(err),
        wrongPortal
          ? `set "screenName" to the name in your SalesIQ URL: ${hostsFor(ctx.zoho.region).salesiq}/<screen name>/mychats (and check "region": a portal exists in one data center only).`
          : 'see the message above.'
      )
    }
  }
  return skip(title, 'every read was refused for lack of scope (see the next step)')
}
