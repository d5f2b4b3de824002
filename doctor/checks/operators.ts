import { errorText, type DoctorContext } from '../context'
import { fail, pass, warn, type StepResult } from '../report'

const name = (o: Record<string, unknown>) =>
  [o.first_name, o.last_name].filter(Boolean).join(' ') || String(o.nick_name ?? o.email_id ?? o.id)

/**
 * Operators who can take a chat now: `status_code` "1" (available; "3" is busy, offline is undocumented), enabled and
 * chat-enabled. None is not a broken setting — escalations wait, then are missed — so it is a warning.
 */
export async function checkOperators(ctx: DoctorContext): Promise<StepResult> {
  const title = 'Operators online'
  let list: Array<Record<string, unknown>>
  try {
    const res = await ctx.zoho.salesiq.listOperators()
    list = Array.isArray(res?.data) ? res.data : []
  } catch (err) {
    return fail(title, errorText(err), 'grant SalesIQ.operators.READ (see the scopes step).')
  }
  const usable = list.filter(
    (o) => o.is_enabled !== false && o.is_chat_enabled !== false && String(o.is_enabled) !== 'false'
  )
  const available = usable.filter((o) => String(o.status_code) === '1')
  const busy = usable.filter((o) => String(o.status_code) === '3')
  ctx.availableOperators = available.length
  const counts = `${list.length} operator(s): ${available.length} available, ${busy.length} busy, ${list.length - available.length - busy.length} offline or disabled`
  if (available.length) return pass(title, `${counts} — available: ${available.map(name).join(', ')}`)
  return warn(
    title,
    `${counts}. No operator is available right now: escalations will wait, then be missed after the app's waiting time (the bot gets chatMissed, then hitlStopped).`,
    'set at least one operator of the department to "Available" in SalesIQ (status menu next to the avatar), or check the business hours.'
  )
}
