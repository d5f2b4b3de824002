import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Ctx } from './context'
import { validate } from './errors'

/**
 * Knobs for the behaviours of Botpress Cloud that are limits or timings rather than API shapes. Read and changed at
 * runtime through `GET|PUT /_emulator/settings`; `POST /_emulator/reset` restores the defaults.
 */
export const settingsSchema = z
  .object({
    /**
     * Cloud serves a `public_content` file at its public URL only once it processed the upload, unless upsertFile
     * had `publicContentImmediatelyAccessible: true` (@botpress/client 1.35.0). How long that takes is not
     * documented ((emulator inference)): until then the public URL answers 404.
     */
    publicFileProcessingMs: z.number().int().nonnegative(),
    /** Largest state payload (JSON bytes) before `LimitExceeded` (413). */
    stateMaxBytes: z.number().int().positive(),
  })
  .strict()

export type BotpressEmulatorSettings = z.infer<typeof settingsSchema>

export const defaultSettings: BotpressEmulatorSettings = {
  publicFileProcessingMs: 1000,
  stateMaxBytes: 128 * 1024,
}

const live = new WeakMap<Ctx, BotpressEmulatorSettings>()

/** The settings in force for this emulator. */
export function settingsOf(ctx: Ctx): BotpressEmulatorSettings {
  let settings = live.get(ctx)
  if (!settings) {
    settings = { ...defaultSettings }
    live.set(ctx, settings)
    ctx.emitter.on('reset', () => live.set(ctx, { ...defaultSettings }))
  }
  return settings
}

export function settingsRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.get('/_emulator/settings', async () => settingsOf(ctx))
  app.put('/_emulator/settings', async (req) => {
    const patch = validate(settingsSchema.partial(), req.body, 'setSettings')
    const next = { ...settingsOf(ctx), ...patch }
    live.set(ctx, next)
    return next
  })
}
