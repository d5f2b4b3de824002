import { startStack } from './stack'

/** `npm start`: the whole loop on one machine; prints the page's URL (the contract: http://127.0.0.1:<port>/). */
async function main() {
  const port = Number(process.env.PORT ?? 3000)
  const instances = Number(process.env.SANDBOX_INSTANCES ?? 1)
  // SANDBOX_OAUTH=1: no refresh token in the configuration, so the setup goes through the emulator's consent page
  // exactly as hub.md describes it for Zoho (open the authorization link, accept, done).
  const oauth = process.env.SANDBOX_OAUTH === '1'
  const stack = await startStack({ port, instances, ...(oauth ? { configuration: { refreshToken: undefined } } : {}) })
  console.log(`Zoho SalesIQ emulator: ${stack.zoho.url}`)
  console.log(`Botpress API emulator: ${stack.botpress.url}`)
  console.log(`Integration instances: ${stack.pool.instances.map((i) => i.url).join(', ')}`)
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

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
