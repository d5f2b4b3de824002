import { checkAppAndDepartment } from './checks/app-department'
import { checkDelivery } from './checks/delivery'
import { checkHead } from './checks/head-check'
import { checkOperators } from './checks/operators'
import { checkScreenName } from './checks/portal'
import { checkReachable } from './checks/reachability'
import { checkScopes } from './checks/scopes'
import { checkToken } from './checks/token'
import { checkWebhookRegistered, checkWebhookSecured } from './checks/webhook'
import type { DoctorContext } from './context'
import { printStep, skip, type StepResult } from './report'

type Step = { title: string; run: (ctx: DoctorContext) => Promise<StepResult | StepResult[]> }

/** The steps, in the order that makes each failure name its own cause. */
export const STEPS: Step[] = [
  { title: 'Region reachable', run: checkReachable },
  { title: 'Token refresh works', run: checkToken },
  { title: 'Screen name (SalesIQ portal)', run: checkScreenName },
  { title: 'Scopes sufficient', run: checkScopes },
  { title: 'App and department', run: checkAppAndDepartment },
  { title: 'Operators online', run: checkOperators },
  { title: 'Webhook registered', run: checkWebhookRegistered },
  { title: 'Webhook secured with a key', run: checkWebhookSecured },
  { title: 'Webhook URL answers HEAD', run: checkHead },
  { title: 'Signed test delivery round-trip', run: checkDelivery },
]

/** Runs every step, printing each result as it comes; after a blocking failure the rest are skipped. */
export async function runSteps(ctx: DoctorContext): Promise<StepResult[]> {
  const results: StepResult[] = []
  for (const step of STEPS) {
    let out: StepResult[]
    if (ctx.stopped) out = [skip(step.title, `skipped: ${ctx.stopped}`)]
    else {
      try {
        const r = await step.run(ctx)
        out = Array.isArray(r) ? r : [r]
      } catch (err) {
        out = [{ status: 'FAIL', title: step.title, detail: `the check itself failed: ${(err as Error).message}` }]
      }
    }
    out.forEach(printStep)
    results.push(...out)
  }
  return results
}
