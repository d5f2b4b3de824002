import multipart from '@fastify/multipart'
import Fastify, { type FastifyInstance } from 'fastify'
import { EmulatorContext } from './context'
import { registerErrors, registerHooks, registerParsers } from './http'
import { accountsRoutes } from './routes/accounts'
import { controlRoutes } from './routes/control'
import { operatorRoutes } from './routes/operator'
import { restRoutes } from './routes/rest'
import { visitorRoutes } from './routes/visitor'
import { webhookRoutes } from './routes/webhooks'
import { SEED_IDS, defaultSeed, type SeedConfig } from './seed'
import { defaultSettings, settingsSchema, type ZohoEmulatorSettings } from './settings'
import { credentials, resetState } from './state'
import type { ZohoStore } from './store'

export type { ZohoEmulatorSettings as Settings } from './settings'
export type { SeedConfig } from './seed'

export interface StartOptions {
  /** 0 (default) = a random free port. */
  port?: number
  host?: string
  settings?: Partial<ZohoEmulatorSettings>
  seed?: Partial<SeedConfig>
  /** Fastify's request logging to stdout. */
  log?: boolean
}

export interface ZohoEmulator {
  url: string
  port: number
  /** Use as both ZOHO_ACCOUNTS_URL and ZOHO_SALESIQ_URL. */
  credentials: ReturnType<typeof credentials>
  ids: typeof SEED_IDS
  ctx: EmulatorContext
  readonly store: ZohoStore
  readonly settings: ZohoEmulatorSettings
  /** 'request' | 'delivery' | 'conversation' | 'reset' */
  events: EmulatorContext['events']
  app: FastifyInstance
  reset(seed?: Partial<SeedConfig>): void
  close(): Promise<void>
}

export async function startZohoEmulator(opts: StartOptions = {}): Promise<ZohoEmulator> {
  const initialSettings = settingsSchema.parse({ ...defaultSettings, ...opts.settings })
  const initialSeed: SeedConfig = { ...defaultSeed, ...opts.seed }
  const ctx = new EmulatorContext({ ...initialSettings }, initialSeed)
  const reset = (seed?: Partial<SeedConfig>) => resetState(ctx, initialSettings, { ...initialSeed, ...seed })
  reset()

  const app = Fastify({ logger: opts.log ?? false, forceCloseConnections: true, bodyLimit: 64 * 1024 * 1024 })
  registerParsers(app)
  await app.register(multipart)
  registerHooks(app, ctx)
  registerErrors(app, ctx)
  accountsRoutes(app, ctx)
  visitorRoutes(app, ctx)
  restRoutes(app, ctx)
  webhookRoutes(app, ctx)
  operatorRoutes(app, ctx)
  controlRoutes(app, ctx, { reset })

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0)
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'
  ctx.listenUrl = `http://${host}:${port}`

  return {
    url: ctx.listenUrl,
    port,
    get credentials() {
      return credentials(ctx)
    },
    ids: SEED_IDS,
    ctx,
    get store() {
      return ctx.store
    },
    get settings() {
      return ctx.settings
    },
    events: ctx.events,
    app,
    reset,
    async close() {
      ctx.epoch++
      ctx.timers.clearAll()
      await app.close()
    },
  }
}
