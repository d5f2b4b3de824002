import multipart from '@fastify/multipart'
import Fastify from 'fastify'
import { HitlBot } from './bot/hitl-bot'
import { startBotpressEmulator, type BotpressEmulator } from './botpress/server'
import { registerIngress } from './http/ingress'
import { Timeline } from './http/timeline'
import { registerVisitorApi } from './http/visitor-api'
import { registerZohoProxy } from './http/zoho-proxy'
import { registerPage } from './web/routes'
import { IntegrationPool, type Routing } from './runtime/integration-pool'
import type { Identity } from './runtime/protocol'
import { BotpressRuntime } from './runtime/runtime'
import { startZohoEmulator, type Settings, type ZohoEmulator } from './zoho/server'

export const INTEGRATION_NAME = 'zoho-salesiq-hitl'

export type StackOptions = {
  /** Port of the page / ingress server; 0 = random. */
  port?: number
  /** Integration instances behind the one ingress and API (Botpress Cloud runs many). */
  instances?: number
  routing?: Routing
  zohoSettings?: Partial<Settings>
  /** Configuration overrides (e.g. a wrong department) on top of the emulator's seeded account. */
  configuration?: Record<string, unknown>
  /** Register the integration at start (creates the SalesIQ webhook). */
  register?: boolean
  /** Run the plugin-like bot; tests of the integration alone turn it off. */
  bot?: boolean
  assignmentTimeoutMs?: number
}

export type Stack = {
  url: string
  webhookUrl: string
  zoho: ZohoEmulator
  botpress: BotpressEmulator
  pool: IntegrationPool
  runtime: BotpressRuntime
  bot?: HitlBot
  identity: Identity
  configuration: Record<string, unknown>
  timeline: Timeline
  close(): Promise<void>
}

/**
 * The whole loop on 127.0.0.1: the Zoho emulator, the Botpress API emulator with a runtime, N instances of the
 * built integration (spoken to only over the integration protocol), the plugin-like bot, and the page's server,
 * which is also the public webhook ingress.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const identity: Identity = {
    botId: 'bot_sandbox',
    botUserId: 'bot_sandbox',
    integrationId: 'int_zoho_salesiq_hitl',
    integrationAlias: INTEGRATION_NAME,
    webhookId: 'wh_zoho_salesiq_hitl',
  }
  const zoho = await startZohoEmulator({ settings: opts.zohoSettings })
  const botpress = await startBotpressEmulator()
  const configuration = {
    region: 'us',
    clientId: zoho.credentials.clientId,
    clientSecret: zoho.credentials.clientSecret,
    refreshToken: zoho.credentials.refreshToken,
    screenName: zoho.credentials.screenName,
    appId: zoho.ids.appId,
    departmentId: zoho.ids.supportDepartmentId,
    ...opts.configuration,
  }
  const pool = await IntegrationPool.start({
    instances: opts.instances ?? 1,
    routing: opts.routing,
    identity,
    configuration,
    env: {
      BP_API_URL: botpress.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ZOHO_SALESIQ_URL: zoho.url,
      // The Botpress emulator's file host (visitors' files) and any test file server may be fetched (loopback).
      ALLOW_PRIVATE_FETCH_HOSTS: [process.env.ALLOW_PRIVATE_FETCH_HOSTS, new URL(botpress.url).host]
        .filter(Boolean)
        .join(','),
    },
  })
  const runtime = new BotpressRuntime(botpress.events, pool, INTEGRATION_NAME)
  const bot =
    opts.bot === false
      ? undefined
      : new HitlBot({
          botId: identity.botId,
          apiUrl: botpress.url,
          runtime,
          assignmentTimeoutMs: opts.assignmentTimeoutMs ?? 5 * 60_000,
        })
  runtime.bot = bot

  const timeline = new Timeline()
  runtime.timeline.on('entry', (e) =>
    timeline.add({ at: e.at, source: 'integration', kind: e.operation, summary: e.summary, status: e.status })
  )
  zoho.events.on('request', (r) =>
    timeline.add({ at: Date.now(), source: 'zoho', kind: 'api', summary: `${r.method} ${r.path}`, status: r.status })
  )
  zoho.events.on('delivery', (d) =>
    timeline.add({
      at: Date.now(),
      source: 'zoho',
      kind: 'webhook',
      summary: `${d.event} attempt ${d.attempt}`,
      status: d.status,
    })
  )
  botpress.events.on('event.created', (e) =>
    timeline.add({ at: Date.now(), source: 'botpress', kind: 'event', summary: e.event.type })
  )
  botpress.events.on('message.created', (e) =>
    timeline.add({ at: Date.now(), source: 'botpress', kind: 'message', summary: describeMessage(e) })
  )
  bot?.changes.on('dropped', (what) => timeline.add({ at: Date.now(), source: 'bot', kind: 'dropped', summary: what }))

  const app = Fastify({ logger: false, exposeHeadRoutes: false, forceCloseConnections: true })
  await app.register(multipart, { limits: { fileSize: 60 * 1024 * 1024 } })
  registerIngress(app, runtime, identity.webhookId)
  registerVisitorApi(app, { apiUrl: botpress.url, botId: identity.botId, bot })
  registerZohoProxy(app, zoho.url)
  timeline.register(app)
  registerPage(app, { zohoIds: zoho.ids })
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const url = `http://127.0.0.1:${port}`
  const webhookUrl = `${url}/webhook/${identity.webhookId}`

  const close = async () => {
    await app.close()
    await pool.close()
    await zoho.close()
    await botpress.close()
  }
  try {
    if (opts.register !== false) await runtime.register(webhookUrl)
  } catch (err) {
    await close()
    throw err
  }
  return { url, webhookUrl, zoho, botpress, pool, runtime, bot, identity, configuration, timeline, close }
}

/** One timeline line per message, saying who wrote to whom. */
function describeMessage(e: {
  message: { type: string; direction: string }
  conversation: { channel: string }
}): string {
  const { type, direction } = e.message
  if (e.conversation.channel === 'hitl')
    return direction === 'incoming'
      ? `integration → hitl conversation: ${type} (operator or notice)`
      : `bot → hitl conversation: ${type} (for the operator)`
  return direction === 'incoming' ? `visitor → bot: ${type}` : `bot → visitor: ${type}`
}
