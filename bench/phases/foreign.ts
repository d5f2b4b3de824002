import { botpressOperation } from '../load/calls'
import { prepareDesk } from '../load/sessions'
import { sleep } from '../load/generator'
import { benchStack } from '../stack'

export type ForeignResult = {
  chats: number
  repeatAfterMs: number
  /** The deliveries SalesIQ made when the chats opened and were assigned, and the Botpress calls they cost. */
  first: { deliveries: number; botpressCalls: number; perDelivery: number; byOperation: Record<string, number> }
  /** The same chats' assignment delivered again `repeats` times each, `repeatAfterMs` after they opened. */
  repeated: { deliveries: number; botpressCalls: number; perDelivery: number; byOperation: Record<string, number> }
}

/**
 * What a SalesIQ chat this bot never opened costs (issue #14.5): `chats` website chats opened straight on SalesIQ's
 * visitor API — as the website widget does, not through the integration — and assigned by the desk, so SalesIQ
 * delivers them to our webhook; then each chat's assignment delivered again `repeats` times through the Zoho
 * emulator's `/_emulator/webhooks/deliver` (signed like any delivery), `repeatAfterMs` after the chats opened: a
 * chat seconds old may still be one a startHitl is mapping, so it must be looked up again; an older one need not be.
 * The figure is the integration's Botpress API calls (the emulator's request log, requests carrying
 * `x-integration-id`) per delivery.
 */
export async function foreignPhase(opts: {
  chats: number
  repeats: number
  repeatAfterMs: number
}): Promise<ForeignResult> {
  const stack = await benchStack()
  const { zoho } = stack
  const chats = new Set<string>()
  const answered = new Map<string, number>()
  const firstAssignments = new Map<string, Record<string, unknown>>()
  const onDelivery = (d: {
    event: string
    entityId: string
    status: number | null
    envelope: Record<string, unknown>
  }) => {
    if (!chats.has(d.entityId)) return
    answered.set(d.entityId, (answered.get(d.entityId) ?? 0) + 1)
    if (d.event === 'conversation.attender.updated' && !firstAssignments.has(d.entityId))
      firstAssignments.set(d.entityId, d.envelope.entity as Record<string, unknown>)
  }
  zoho.events.on('delivery', onDelivery)
  const total = () => [...answered.values()].reduce((a, b) => a + b, 0)
  const seq = () => stack.botpress.requests().at(-1)?.seq ?? 0
  const callsSince = (since: number) => {
    const made = stack.botpress.requests().filter((r) => r.seq > since && r.headers['x-integration-id'])
    const byOperation: Record<string, number> = {}
    for (const r of made) {
      const op = botpressOperation(r.method, r.path)
      byOperation[op] = (byOperation[op] ?? 0) + 1
    }
    return { botpressCalls: made.length, byOperation }
  }
  const settle = async (deliveries: number) => {
    const deadline = Date.now() + 30_000
    while (total() < deliveries && Date.now() < deadline) await sleep(20)
    await sleep(300) // what the integration still does after answering
  }
  try {
    await prepareDesk(stack) // auto-assign: every opened chat is assigned, and SalesIQ tells the webhook
    const { clientId, clientSecret, refreshToken, screenName } = zoho.credentials
    const grant = (await (
      await fetch(`${zoho.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: refreshToken,
        }),
      })
    ).json()) as { access_token: string }

    const before = seq()
    const opened = Date.now()
    for (let i = 0; i < opts.chats; i++) {
      const res = await fetch(`${zoho.url}/api/visitor/v1/${screenName}/conversations`, {
        method: 'POST',
        headers: { authorization: `Zoho-oauthtoken ${grant.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          app_id: zoho.ids.appId,
          department_id: zoho.ids.supportDepartmentId,
          question: `A website visitor's question ${i}`,
          visitor: { user_id: `website-${i}`, name: `Website visitor ${i}`, email: `website-${i}@example.com` },
        }),
      })
      const body = (await res.json()) as { data?: { conversation_id?: string | number; id?: string } }
      if (!res.ok || body.data?.conversation_id === undefined)
        throw new Error(`opening a website chat → ${res.status}: ${JSON.stringify(body)}`)
      chats.add(String(body.data.conversation_id))
    }
    const deadline = Date.now() + 30_000
    while (firstAssignments.size < opts.chats && Date.now() < deadline) await sleep(20)
    await settle(0) // (the assignments are in: only the integration's trailing work)
    const firstDeliveries = total()
    const first = { deliveries: firstDeliveries, ...callsSince(before) }

    await sleep(Math.max(0, opened + opts.repeatAfterMs - Date.now()))
    const beforeRepeat = seq()
    for (let round = 0; round < opts.repeats; round++)
      for (const [chatId, entity] of firstAssignments) {
        const res = await fetch(`${zoho.url}/_emulator/webhooks/deliver`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ event: 'conversation.attender.updated', conversationId: chatId, entity }),
        })
        if (!res.ok) throw new Error(`redelivering to chat ${chatId} → ${res.status}: ${await res.text()}`)
      }
    await settle(firstDeliveries + opts.repeats * firstAssignments.size)
    const repeated = { deliveries: total() - firstDeliveries, ...callsSince(beforeRepeat) }
    return {
      chats: opts.chats,
      repeatAfterMs: opts.repeatAfterMs,
      first: { ...first, perDelivery: first.botpressCalls / first.deliveries },
      repeated: { ...repeated, perDelivery: repeated.botpressCalls / repeated.deliveries },
    }
  } finally {
    zoho.events.off('delivery', onDelivery)
    await stack.close()
  }
}
