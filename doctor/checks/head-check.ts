import { errorText, type DoctorContext } from '../context'
import { pass, skip, warn, type StepResult } from '../report'

/**
 * SalesIQ sends HEAD to the webhook URL when the webhook is created or updated and needs HTTP 200 (reference §4).
 * The integration answers it; a URL that does not (wrong URL, or a proxy that drops HEAD) makes register fail.
 */
export async function checkHead(ctx: DoctorContext): Promise<StepResult> {
  const url = ctx.config.webhookUrl ?? ctx.webhook?.url
  const title = "Webhook URL answers SalesIQ's HEAD check (HTTP 200)"
  if (!url) return skip(title, 'no webhook URL (pass --webhook-url or ZOHO_WEBHOOK_URL)')
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) })
    if (res.status === 200) return pass(title, url)
    return warn(
      title,
      `${url} answered HEAD with HTTP ${res.status}: SalesIQ refuses to create or update a webhook whose URL does not answer 200.`,
      'use the webhook URL shown on the integration\'s page in Botpress (the integration answers HEAD with 200); if Botpress does not forward HEAD, create the webhook by hand (hub.md "Manual setup").'
    )
  } catch (err) {
    return warn(
      title,
      `${url} could not be reached from here (${errorText(err)}).`,
      'check the URL; SalesIQ must be able to reach it from the internet.'
    )
  }
}
