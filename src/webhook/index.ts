import type { Request, Response } from '@botpress/sdk'
import type * as bp from '.botpress'
import { handleOAuthRedirect } from '../setup/oauth-redirect'
import { oauthPage } from '../setup/oauth-page'
import { openOAuthLink } from '../setup/oauth-link'
import { consentUrl } from '../setup/oauth-start'
import { readSetup } from '../setup/setup-state'
import { parseDelivery } from '../zoho/webhook-payload'
import { authenticate } from './authenticate'
import { fail, ok, redirect } from './respond'
import { routeDelivery } from './route-delivery'

/**
 * Everything that reaches the integration's webhook URL: SalesIQ's `HEAD` check, SalesIQ deliveries (`POST`), and
 * the two steps of the one-click OAuth flow (`GET /oauth/start`, then Zoho's redirect back with `?code`).
 */
export const handler: bp.IntegrationProps['handler'] = async (props) => {
  const { req } = props
  const method = (req.method ?? '').toUpperCase()
  if (method === 'HEAD') return { status: 200 }
  if (method === 'GET') return onGet(props, req)
  if (method === 'POST') return onDelivery(props, req)
  return fail(405, 'method not allowed')
}

async function onGet(props: bp.HandlerProps, req: Request): Promise<Response> {
  const query = new URLSearchParams(req.query ?? '')
  if (/\/oauth\/start\/?$/.test(req.path ?? '')) return onOAuthStart(props, query.get('link') ?? undefined)
  // Zoho's redirect after a refusal carries `error` (e.g. access_denied) instead of a code.
  if (query.has('error'))
    return oauthPage(400, 'Not connected', [
      `Zoho answered: ${query.get('error')}.`,
      'Save the integration configuration again and open the new authorization link it logs to retry.',
    ])
  if (query.has('code') || query.has('state')) return handleOAuthRedirect(props, query)
  return oauthPage(200, 'Zoho SalesIQ HITL', ['This is the webhook of a Botpress integration.'])
}

const WHERE_THE_LINK_IS =
  "Open the authorization link from the bot's logs instead: saving the integration configuration logs a line " +
  '"Connect Zoho SalesIQ: open …/oauth/start?link=…". Each link works once, within an hour; save the configuration ' +
  'again for a new one.'

/** Only a link register logged starts the consent: the bare path, or a used, expired or forged link, does not. */
async function onOAuthStart(props: bp.HandlerProps, link: string | undefined): Promise<Response> {
  const { webhookUrl } = await readSetup(props)
  if (!webhookUrl)
    return oauthPage(409, 'Not ready yet', ['Save the integration configuration first, then open the link it logs.'])
  const opened = await openOAuthLink(props, link)
  if (!opened.ok) {
    if (opened.reason === 'missing') return oauthPage(200, 'Connect Zoho SalesIQ', [WHERE_THE_LINK_IS])
    props.logger.forBot().warn('Refused to start the Zoho authorization: the link was used already, expired or forged.')
    return oauthPage(403, 'This authorization link does not work', [
      'It was used already, it expired, or it was never issued.',
      WHERE_THE_LINK_IS,
    ])
  }
  return redirect(consentUrl(props.ctx, webhookUrl, opened.state))
}

/** Authenticate, parse, act. Bad input gets a 4xx and changes nothing; a failure while acting gets a 5xx, so
 *  SalesIQ redelivers later (every action is idempotent). */
async function onDelivery(props: bp.HandlerProps, req: Request): Promise<Response> {
  const log = props.logger.forBot()
  const auth = await authenticate(props, req)
  if (!auth.ok) {
    log.warn(`Refused a webhook delivery: ${auth.reason}.`)
    return fail(401, 'unauthorized')
  }
  const parsed = parseDelivery(req.body)
  if (!parsed.ok) {
    log.warn(`Refused a webhook delivery: ${parsed.reason}.`)
    return fail(400, parsed.reason)
  }
  const { delivery } = parsed
  const what = `${delivery.event} for SalesIQ chat ${delivery.chatId} (attempt ${delivery.attempt})`
  try {
    const outcome = await routeDelivery(props, delivery)
    // A message relayed at once is the routine case and shows in the conversation itself; its line would cost ~3 % of
    // the CPU of a relayed message (bench/README.md: the SDK writes every log line to stdout, debug ones too).
    if (!isRoutine(outcome)) log.debug(`${what}: ${outcome}`)
    return ok()
  } catch (err) {
    log.error(`${what} failed; SalesIQ will redeliver it: ${(err as Error).message}`)
    return fail(500, 'temporary failure')
  }
}

/** A message relayed at once (not held back for the plugin): the outcome of most deliveries. */
const isRoutine = (outcome: string) => outcome.startsWith('relayed ') && !outcome.includes(' due in ')
