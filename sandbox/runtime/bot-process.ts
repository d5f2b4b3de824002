import { callBot, type BotIdentity } from './bot-protocol'
import type { ProtocolAnswer } from './protocol'
import { startServedBundle, type ServedProcess } from './served-bundle'

export type BotProcess = ServedProcess & {
  readonly bundle: string
  /** One delivery over the bot server protocol. */
  call(operation: Parameters<typeof callBot>[3], type: string, body: unknown): Promise<ProtocolAnswer>
}

/**
 * A bot in its own Node process, as Botpress runs it: a CommonJS bundle whose `default` export is an `sdk.Bot`
 * (what `bp build` writes for a bot), started with `default.start(port)`. Its Botpress client finds the API through
 * `BP_API_URL` (the client's own environment variable).
 */
export async function startBot(opts: {
  bundle: string
  apiUrl: string
  identity: BotIdentity
  configuration: Record<string, unknown>
}): Promise<BotProcess> {
  const served = await startServedBundle({
    bundle: opts.bundle,
    env: { BP_API_URL: opts.apiUrl, BP_BOT_ID: opts.identity.botId },
    what: 'bot',
  })
  return {
    ...served,
    bundle: opts.bundle,
    call: (operation, type, body) => callBot(served.url, opts.identity, opts.configuration, operation, type, body),
  }
}
