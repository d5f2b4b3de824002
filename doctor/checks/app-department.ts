import { pluginTimeoutFor } from '../../src/hitl/plugin-settings'
import { validateConfiguration } from '../../src/setup/validate'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, skip, type StepResult } from '../report'

/**
 * App and department, with exactly the validation register runs (src/setup/validate.ts), so the doctor reports the
 * same message the bot builder would see when saving the configuration.
 */
export async function checkAppAndDepartment(ctx: DoctorContext): Promise<StepResult[]> {
  const { config } = ctx
  const appTitle = `App (brand) "${config.appId}"`
  const deptTitle = `Department "${config.departmentId}" (exists and belongs to the app)`
  try {
    const { appName, departmentName, waitingTimeSec } = await validateConfiguration(
      ctx.zoho.salesiq,
      ctx.zoho.tokens,
      config
    )
    return [
      pass(
        appTitle,
        [appName ? `"${appName}"` : undefined, waiting(waitingTimeSec)].filter(Boolean).join(' — ') || undefined
      ),
      pass(deptTitle, departmentName ? `"${departmentName}"` : undefined),
    ]
  } catch (err) {
    const message = errorText(err)
    ctx.noTestChat = 'the app or the department is wrong (see above)'
    if (/^Unknown app/.test(message))
      return [
        fail(
          appTitle,
          message,
          'copy the app ID from SalesIQ → Settings → Brands → your brand (the number in the URL), or pick one listed above.'
        ),
        skip(deptTitle, 'not checked: the app is unknown'),
      ]
    if (/^Unknown department|does not belong to app/.test(message))
      return [
        pass(appTitle),
        fail(
          deptTitle,
          message,
          "copy the department ID from SalesIQ → Settings → Departments (the number in the URL) — one of the app's departments — or add the department to the brand in SalesIQ."
        ),
      ]
    return [
      fail(appTitle, message, 'see the message above.'),
      skip(deptTitle, 'not checked: the app could not be read'),
    ]
  }
}

/** The app's waiting time, and the HITL plugin timeout that fits it (hub.md, "Missed chats"). */
function waiting(seconds: number | undefined): string | undefined {
  if (!seconds) return undefined
  return (
    `waiting time ${seconds} s; set the HITL plugin's agentAssignedTimeoutSeconds to ${pluginTimeoutFor(seconds)} ` +
    '(10 s under the waiting time, or under "waitTimeSeconds" if you set it) so the plugin says "No human agent is ' +
    'available…" before SalesIQ misses the chat'
  )
}
