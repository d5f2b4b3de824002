import { isZohoError } from '../../src/zoho/errors'
import { SALESIQ_SCOPES } from '../../src/zoho/oauth'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, type StepResult } from '../report'

/**
 * The token's scopes, found by trying one read call per scope (Zoho does not say which scopes a token has). A scope
 * refusal (1009, or 1016 "permission denied") means it is missing; any other answer — even "not found" for the
 * dummy conversation id — means the scope is there. Write scopes are only exercised by register and real chats.
 */
export async function checkScopes(ctx: DoctorContext): Promise<StepResult> {
  const { salesiq } = ctx.zoho
  const probes: Array<[string, () => Promise<unknown>]> = [
    ['SalesIQ.apps.READ', () => salesiq.listApps()],
    ['SalesIQ.departments.READ', () => salesiq.getDepartment(ctx.config.departmentId)],
    ['SalesIQ.operators.READ', () => salesiq.listOperators()],
    ['SalesIQ.webhooks.READ', () => salesiq.listWebhooks()],
    ['SalesIQ.conversations.READ', () => salesiq.getConversation('1')],
  ]
  const missing: string[] = []
  const messages: string[] = []
  for (const [scope, probe] of probes) {
    try {
      await probe()
    } catch (err) {
      if (isZohoError(err, 'scope')) {
        missing.push(scope)
        messages.push(`${scope}: ${errorText(err)}`)
      }
    }
  }
  ctx.missingScopes = missing
  const title = 'Scopes sufficient (apps, departments, operators, webhooks, conversations)'
  if (!missing.length) return pass(title, `every read call was allowed (${probes.length} scopes tried)`)
  return fail(
    title,
    `missing: ${missing.join(', ')}\n${messages.join('\n')}`,
    `reconnect through the authorization link logged when the configuration is saved (it asks for every scope), or generate a new refresh token with the scopes ${SALESIQ_SCOPES.join(',')}; the Zoho user must be an admin of the SalesIQ portal.`
  )
}
