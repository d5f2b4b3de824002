import { startBotpressEmulator } from './server'

// Standalone Botpress API emulator: `npm run emulator:botpress` (PORT, HOST, BOT_ID, BP_TOKEN, LOG=1).
async function main(): Promise<void> {
  const emulator = await startBotpressEmulator({
    port: Number(process.env.PORT ?? 3100),
    host: process.env.HOST ?? '127.0.0.1',
    botId: process.env.BOT_ID || undefined,
    token: process.env.BP_TOKEN || undefined,
    log: process.env.LOG === '1',
  })
  process.stdout.write(
    `Botpress API emulator listening on ${emulator.url} (set BP_API_URL=${emulator.url}; control API under ${emulator.url}/_emulator)\n`
  )
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`Botpress emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
