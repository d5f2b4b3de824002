import { startStack } from './stack'

/** `npm start`: the whole loop on one machine; prints the page's URL (the contract: http://127.0.0.1:<port>/). */
async function main() {
  const port = Number(process.env.PORT ?? 3000)
  const instances = Number(process.env.SANDBOX_INSTANCES ?? 1)
  const stack = await startStack({ port, instances })
  console.log(`Zoho SalesIQ emulator: ${stack.zoho.url}`)
  console.log(`Botpress API emulator: ${stack.botpress.url}`)
  console.log(`Integration instances: ${stack.pool.instances.map((i) => i.url).join(', ')}`)
  console.log(`Webhook URL:           ${stack.webhookUrl}`)
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
