import { randomUUID } from 'node:crypto'
import { verifySignature, parsePublicKey } from '../../src/zoho/webhook-signature'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, skip, type StepResult } from '../report'

const TITLE = 'Signed test delivery round-trip'
const WAIT_MS = 4000

/**
 * On an emulator: open a throw-away chat in the app (its attender.updated, or missed when nobody is available, is
 * delivered to the webhook), then check the delivery. When the doctor runs the emulator, it receives the delivery
 * itself and verifies `x-siqsignature` with the webhook's public key(s) — exactly what the integration does. On an
 * emulator run by someone else, its delivery log shows whether the delivery was signed and what the webhook URL
 * answered (401 = the integration refused the signature). On real Zoho nothing is opened (it would ring your
 * operators): the key's scheme is checked instead.
 */
export async function checkDelivery(ctx: DoctorContext): Promise<StepResult> {
  const { target, webhook, webhookKeys } = ctx
  if (!webhook || !webhookKeys.length) return skip(TITLE, 'no secured webhook with a key (see above)')
  if (target.kind === 'zoho') {
    const key = parsePublicKey(webhookKeys[0]!)
    if (key?.asymmetricKeyType !== 'rsa')
      return fail(
        TITLE,
        'the webhook key is not an RSA key: SHA256withRSA signatures cannot be verified with it.',
        'generate a new key for the webhook in SalesIQ.'
      )
    return pass(
      'Signature scheme (RSA-SHA256 with the webhook key)',
      'the key loads as an RSA public key, as the integration needs. No live delivery on a real account (it would open a chat for your operators): escalate once from the bot to test end to end.'
    )
  }

  if (ctx.noTestChat) return skip(TITLE, `no test chat can be opened: ${ctx.noTestChat}`)
  const { salesiq } = ctx.zoho
  let chatId: string
  try {
    const opened = await salesiq.openConversation({
      appId: ctx.config.appId,
      departmentId: ctx.config.departmentId,
      question: 'Zoho SalesIQ doctor: test delivery, please ignore',
      visitor: { user_id: `doctor-${randomUUID()}`, name: 'SalesIQ doctor' },
    })
    chatId = opened.chatId
  } catch (err) {
    return fail(TITLE, `could not open a test chat: ${errorText(err)}`, 'see the message above.')
  }
  const control = target.control
  try {
    if (target.kind === 'local') {
      const forChat = (body: string) => body.includes(`"entity_id":"${chatId}"`)
      const first = ctx.availableOperators === 0 ? 0 : WAIT_MS / 2 // nobody to assign it: miss it at once
      let got = await target.receiver.waitFor((r) => forChat(r.body), first)
      if (!got) {
        await control.miss(chatId).catch(() => undefined) // nobody available: a missed chat is delivered too
        got = await target.receiver.waitFor((r) => forChat(r.body), WAIT_MS)
      }
      if (!got)
        return fail(
          TITLE,
          `no delivery reached ${target.receiver.url} within ${WAIT_MS} ms.`,
          "check the webhook's events and app."
        )
      const signature = got.headers['x-siqsignature']
      const sig = Array.isArray(signature) ? signature[0] : signature
      if (!sig)
        return fail(TITLE, 'the delivery carried no x-siqsignature header.', 'turn "secured" on for the webhook.')
      if (!verifySignature(got.body, sig, webhookKeys))
        return fail(
          TITLE,
          "the delivery's signature does not verify with the webhook's public key(s).",
          "generate the key again and save the integration's configuration."
        )
      const event = /"event":"([^"]+)"/.exec(got.body)?.[1] ?? 'delivery'
      return pass(
        TITLE,
        `${event} for test chat ${chatId} received; x-siqsignature verified with the webhook's public key`
      )
    }

    const match = (d: { entityId: string; webhookId: string }) =>
      d.entityId === chatId && String(d.webhookId) === String(webhook.id)
    const find = async () => (await control.deliveries({ entityId: chatId })).find(match)
    const poll = async (ms: number) => {
      const deadline = Date.now() + ms
      for (;;) {
        const d = await find()
        if (d || Date.now() > deadline) return d
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    let d = await poll(ctx.availableOperators === 0 ? 0 : WAIT_MS / 2)
    if (!d) {
      await control.miss(chatId).catch(() => undefined)
      d = await poll(WAIT_MS)
    }
    if (!d)
      return fail(
        TITLE,
        `the emulator made no delivery to webhook ${webhook.id} within ${WAIT_MS} ms.`,
        "check the webhook's events and app."
      )
    if (!d.signed)
      return fail(TITLE, `${d.event} was delivered unsigned.`, 'turn "secured" on and generate a public key.')
    if (d.status === 401 || d.status === 403)
      return fail(
        TITLE,
        `${d.event} was signed, but ${d.url} refused it (HTTP ${d.status}): the integration does not have the key SalesIQ signs with.`,
        "save the integration's configuration again (register stores the webhook's keys), or paste the webhook's current key in \"webhookPublicKey\"."
      )
    if (d.status === null || d.status >= 300)
      return fail(
        TITLE,
        `${d.event} to ${d.url} failed: ${d.status === null ? (d.error ?? 'no answer') : `HTTP ${d.status}`}.`,
        'check that the integration is running at the webhook URL.'
      )
    return pass(TITLE, `${d.event} for test chat ${chatId}: signed, and ${d.url} accepted it (HTTP ${d.status})`)
  } catch (err) {
    return fail(TITLE, errorText(err), 'see the message above.')
  } finally {
    await salesiq.closeConversation(chatId).catch(() => undefined)
  }
}
