import multipart from '@fastify/multipart'
import Fastify from 'fastify'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { startBotpressEmulator, type BotpressEmulator } from './botpress/server'
import { registerIngress } from './http/ingress'
import { Timeline } from './http/timeline'
import { registerVisitorApi } from './http/visitor-api'
import { registerZohoProxy } from './http/zoho-proxy'
import { registerPage } from './web/routes'
import { startBot, type BotProcess } from './runtime/bot-process'
import { IntegrationPool, type Routing } from './runtime/integration-pool'
import { startLatencyProxy } from './runtime/latency-proxy'
import type { Identity } from './runtime/protocol'
import { BotpressRuntime, errorMessage } from './runtime/runtime'
import { startZohoEmulator, type Settings, type ZohoEmulator } from './zoho/server'

export const INTEGRATION_NAME = 'zoho-salesiq-hitl'

/** The sandbox's own bot, built by `npm run build` from sandbox/bot/index.ts. */
export const DEFAULT_BOT_BUNDLE = path.resolve(__dirname, '../.botpress/sandbox-bot/index.cjs')

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
  /** The bot: a CommonJS bundle whose default export is an sdk.Bot (SANDBOX_BOT); default: the sandbox's own. */
  botBundle?: string
  /** The bot's configuration, sent as x-bp-configuration (SANDBOX_BOT_CONFIG); default {}. */
  botConfig?: Record<string, unknown>
  /** Delay of each Botpress API call the bot makes (SANDBOX_BOT_API_LATENCY_MS); integrations are not delayed. */
  botApiLatencyMs?: number
  /** The part of that delay spent on the way back, after the API answered (default 0: all before it is reached). */
  botApiLatencyBackShare?: number
  /** `false`: no bot process; the in-process `runtime.bot` hook plays the bot (the load generator, tests of the integration alone). */
  bot?: false
  /** More `host:port`s the integration may fetch files from (ALLOW_PRIVATE_FETCH_HOSTS), e.g. a test's file server. */
  privateFetchHosts?: string[]
}

export type Stack = {
  url: string
  webhookUrl: string
  zoho: ZohoEmulator
  botpress: BotpressEmulator
  pool: IntegrationPool
  runtime: BotpressRuntime
  botProcess?: BotProcess
  identity: Identity
  configuration: Record<string, unknown>
  timeline: Timeline
  close(): Promise<void>
}

/**
 * The whole loop on 127.0.0.1: the Zoho emulator, the Botpress API emulator with a runtime, N instances of the
 * built integration (spoken to only over the integration protocol), the bot in its own process (spoken to only over
 * the bot protocol), and the page's server, which is also the public webhook ingress. A failed start closes
 * whatever it had started: no child outlives it.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const identity: Identity = {
    botId: 'bot_sandbox',
    botUserId: 'bot_sandbox',
    integrationId: 'int_zoho_salesiq_hitl',
    integrationAlias: INTEGRATION_NAME,
    webhookId: 'wh_zoho_salesiq_hitl',
  }
  const botBundle = opts.bot === false ? undefined : (opts.botBundle ?? DEFAULT_BOT_BUNDLE)
  if (botBundle && !existsSync(botBundle))
    throw new Error(
      botBundle === DEFAULT_BOT_BUNDLE
        ? `The sandbox's bot is not built (${botBundle} is missing): run \`npm run build\`, or set SANDBOX_BOT=<bundle>`
        : `Bot bundle not found: ${botBundle} (SANDBOX_BOT must name a CommonJS file whose default export is an sdk.Bot, e.g. what \`bp build\` writes)`
    )

  const closers: Array<() => Promise<unknown>> = []
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined)
  }
  try {
    const zoho = await startZohoEmulator({ settings: opts.zohoSettings })
    closers.push(() => zoho.close())
    const botpress = await startBotpressEmulator()
    closers.push(() => botpress.close())
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
    const privateHosts = [
      process.env.ALLOW_PRIVATE_FETCH_HOSTS,
      new URL(botpress.url).host,
      ...(opts.privateFetchHosts ?? []),
    ]
    const botApiUrl = opts.botApiLatencyMs
      ? await startLatencyProxy(botpress.url, opts.botApiLatencyMs, opts.botApiLatencyBackShare)
      : undefined
    if (botApiUrl) closers.push(() => botApiUrl.close())

    // Both start together; allSettled so that one failing never leaves the other running unclosed.
    const [poolStart, botStart] = await Promise.allSettled([
      IntegrationPool.start({
        instances: opts.instances ?? 1,
        routing: opts.routing,
        identity,
        configuration,
        env: {
          BP_API_URL: botpress.url,
          ZOHO_ACCOUNTS_URL: zoho.url,
          ZOHO_SALESIQ_URL: zoho.url,
          ALLOW_PRIVATE_FETCH_HOSTS: privateHosts.filter(Boolean).join(','),
        },
      }).then((p) => (closers.push(() => p.close()), p)),
      botBundle
        ? startBot({
            bundle: botBundle,
            apiUrl: botApiUrl?.url ?? botpress.url,
            identity,
            configuration: opts.botConfig ?? {},
          }).then((b) => (closers.push(() => b.close()), b))
        : undefined,
    ])
    if (poolStart.status === 'rejected') throw poolStart.reason
    if (botStart.status === 'rejected') throw botStart.reason
    const pool = poolStart.value
    const botProcess = botStart.value
    const runtime = new BotpressRuntime(botpress, pool, INTEGRATION_NAME)
    runtime.botProcess = botProcess

    const timeline = new Timeline()
    runtime.timeline.on('entry', (e) =>
      timeline.add({
        at: e.at,
        source: e.source,
        kind: e.operation,
        summary: e.summary,
        status: e.status,
        conversationId: e.conversationId,
        chatId: e.chatId,
        instance: e.instance,
      })
    )
    zoho.events.on('request', (r) =>
      timeline.add({
        at: Date.now(),
        source: 'zoho',
        kind: 'api',
        summary: `${r.method} ${r.path}`,
        status: r.status,
        // `…/conversations/leavemessage` files an offline message: a path word, not a chat id.
        chatId: /\/conversations\/(?!leavemessage(?:\/|$))([^/]+)/.exec(r.path)?.[1],
      })
    )
    zoho.events.on('delivery', (d) =>
      timeline.add({
        at: Date.now(),
        source: 'zoho',
        kind: 'webhook',
        summary: `${d.event} attempt ${d.attempt}`,
        status: d.status,
        chatId: d.event.startsWith('conversation.') ? d.entityId : undefined,
      })
    )
    // A transfer happens inside SalesIQ; the integration hears only an accepted one, so its refusal gets a row here.
    zoho.events.on('conversation', (change) => {
      if (!change.type.startsWith('transfer.')) return
      const detail = (change.detail ?? {}) as { operatorId?: string; toOperatorId?: string; reason?: string }
      const { reason } = detail
      const operatorId = detail.operatorId ?? detail.toOperatorId
      const op = operatorId ? zoho.store.operators.get(operatorId) : undefined
      timeline.add({
        at: Date.now(),
        source: 'zoho',
        kind: 'transfer',
        summary: `${change.type}${op ? ` to ${op.firstName} ${op.lastName}` : ''}${reason ? `: ${reason}` : ''}`,
        chatId: change.conversationId,
      })
    })
    botpress.events.on('event.created', (e) =>
      timeline.add({
        at: Date.now(),
        source: 'botpress',
        kind: 'event',
        summary: e.event.type,
        conversationId: e.event.conversationId,
      })
    )
    botpress.events.on('message.created', (e) =>
      timeline.add({
        at: Date.now(),
        source: 'botpress',
        kind: 'message',
        summary: describeMessage(e),
        conversationId: e.conversation.id,
        chatId: e.conversation.tags.chatId,
      })
    )

    const app = Fastify({ logger: false, exposeHeadRoutes: false, forceCloseConnections: true })
    closers.push(() => app.close())
    await app.register(multipart, { limits: { fileSize: 60 * 1024 * 1024 } })
    registerIngress(app, runtime, identity.webhookId)
    registerVisitorApi(app, { runtime })
    registerZohoProxy(app, zoho.url)
    timeline.register(app)
    registerPage(app, { zohoIds: zoho.ids })
    await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const url = `http://127.0.0.1:${port}`
    const webhookUrl = `${url}/webhook/${identity.webhookId}`

    if (botProcess) {
      const answer = await botProcess.call('register', 'register', {})
      if (answer.status >= 300) throw new Error(`The bot's register failed: ${errorMessage(answer.body)}`)
    }
    if (opts.register !== false) await runtime.register(webhookUrl)
    return { url, webhookUrl, zoho, botpress, pool, runtime, botProcess, identity, configuration, timeline, close }
  } catch (err) {
    await close()
    throw err
  }
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
