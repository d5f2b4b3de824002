import path from 'node:path'
import { startStack, type StackOptions } from './stack'

/** `npm start`: the whole loop on one machine; prints the page's URL (the contract: http://127.0.0.1:<port>/). */
async function main() {
  const port = Number(process.env.PORT ?? 3000)
  const instances = Number(process.env.SANDBOX_INSTANCES ?? 1)
  // SANDBOX_OAUTH=1: no refresh token in the configuration, so the setup goes through the emulator's consent page
  // exactly as hub.md describes it for Zoho (open the authorization link, accept, done).
  const oauth = process.env.SANDBOX_OAUTH === '1'
  const stack = await startStack({
    port,
    instances,
    ...botOptions(process.env),
    ...(oauth ? { configuration: { refreshToken: undefined } } : {}),
  }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 'EADDRINUSE')
      throw new Error(
        `Port ${port} is already in use. Pick another one: PORT=${port + 1} npm start (PORT=0 takes any free port).`
      )
    throw err
  })
  console.log(`Zoho SalesIQ emulator: ${stack.zoho.url}`)
  console.log(`Botpress API emulator: ${stack.botpress.url}`)
  console.log(`Integration instances: ${stack.pool.instances.map((i) => i.url).join(', ')}`)
  console.log(`Bot:                   ${stack.botProcess?.bundle} at ${stack.botProcess?.url}`)
  console.log(`Webhook URL:           ${stack.webhookUrl}`)
  // The single-use link register logged (only it starts the consent; saving the configuration again logs a new one).
  const link = stack.pool
    .output()
    .match(/http:\/\/\S+\/oauth\/start\?link=[\w.-]+/g)
    ?.pop()
  if (oauth) console.log(`Authorize (OAuth):     ${link ?? '(see the integration log)'}`)
  console.log(`\nSandbox ready: ${stack.url}/`)
  const stop = async () => {
    await stack.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** SANDBOX_BOT, SANDBOX_BOT_CONFIG, SANDBOX_BOT_API_LATENCY_MS (sandbox/README.md, "Run your own bot"). */
function botOptions(env: NodeJS.ProcessEnv): Pick<StackOptions, 'botBundle' | 'botConfig' | 'botApiLatencyMs'> {
  const options: Pick<StackOptions, 'botBundle' | 'botConfig' | 'botApiLatencyMs'> = {}
  // Relative to where `npm start` was typed (npm runs the script in the package root and says where in INIT_CWD).
  if (env.SANDBOX_BOT) options.botBundle = path.resolve(env.INIT_CWD ?? process.cwd(), env.SANDBOX_BOT)
  if (env.SANDBOX_BOT_CONFIG) {
    let config: unknown
    try {
      config = JSON.parse(env.SANDBOX_BOT_CONFIG)
    } catch (err) {
      throw new Error(
        `SANDBOX_BOT_CONFIG is not JSON (${(err as Error).message}); e.g. SANDBOX_BOT_CONFIG='{"key":"value"}'`
      )
    }
    if (!config || typeof config !== 'object' || Array.isArray(config))
      throw new Error(`SANDBOX_BOT_CONFIG must be a JSON object, got ${env.SANDBOX_BOT_CONFIG}`)
    options.botConfig = config as Record<string, unknown>
  }
  if (env.SANDBOX_BOT_API_LATENCY_MS) {
    const ms = Number(env.SANDBOX_BOT_API_LATENCY_MS)
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(
        `SANDBOX_BOT_API_LATENCY_MS must be a number of milliseconds ≥ 0, got ${env.SANDBOX_BOT_API_LATENCY_MS}`
      )
    options.botApiLatencyMs = ms
  }
  return options
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
