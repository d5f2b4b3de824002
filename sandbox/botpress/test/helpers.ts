import { Client, axiosRetry } from '@botpress/client'
import { BotpressEmulatorControl } from '../control-client'
import { startBotpressEmulator, type BotpressEmulator, type BotpressEmulatorOptions } from '../server'

export const BOT_ID = 'bot_test'
export const INTEGRATION_ID = 'intver_zoho'
export const INTEGRATION_ALIAS = 'zoho-salesiq-hitl'

/**
 * The retry policy @botpress/sdk gives its clients (sdk dist `retryConfig`, not exported): 3 retries on network
 * errors, idempotent-request errors, 429 and 502, waiting Retry-After seconds.
 */
export const sdkRetry = {
  retries: 3,
  retryCondition: (err: Parameters<typeof axiosRetry.isNetworkOrIdempotentRequestError>[0]) =>
    axiosRetry.isNetworkOrIdempotentRequestError(err) || [429, 502].includes(err.response?.status ?? 0),
  retryDelay: (count: number, err: { response?: { headers?: Record<string, unknown> } }) => {
    const after = Number(err.response?.headers?.['retry-after'])
    return (Number.isFinite(after) ? after : count) * 1000
  },
}

export type Harness = { emulator: BotpressEmulator; control: BotpressEmulatorControl; integration: Client; bot: Client }

export async function start(opts: BotpressEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startBotpressEmulator(opts)
  return {
    emulator,
    control: new BotpressEmulatorControl(emulator.url),
    // What an integration's handler gets: x-bot-id, x-integration-id, x-integration-alias.
    integration: new Client({
      apiUrl: emulator.url,
      botId: BOT_ID,
      integrationId: INTEGRATION_ID,
      integrationAlias: INTEGRATION_ALIAS,
    }),
    // What the bot (and its HITL plugin) uses: no integration headers.
    bot: new Client({ apiUrl: emulator.url, botId: BOT_ID }),
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
