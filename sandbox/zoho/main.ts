import { startZohoEmulator } from './server'

/** `npm run emulator:zoho` — PORT (default 4010), HOST, ZOHO_AUTO_CONSENT=1. */
async function main(): Promise<void> {
  const emulator = await startZohoEmulator({
    port: Number(process.env.PORT ?? 4010),
    host: process.env.HOST ?? '127.0.0.1',
    settings: { autoConsent: process.env.ZOHO_AUTO_CONSENT === '1' },
    log: process.env.ZOHO_EMULATOR_LOG === '1',
  })
  const c = emulator.credentials
  console.log(`Zoho SalesIQ + Accounts emulator listening on ${emulator.url}
  ZOHO_ACCOUNTS_URL=${c.accountsUrl}
  ZOHO_SALESIQ_URL=${c.salesiqUrl}
  clientId      ${c.clientId}
  clientSecret  ${c.clientSecret}
  refreshToken  ${c.refreshToken}
  screenName    ${c.screenName}
  appId         ${c.appId}
  departmentId  ${c.departmentId}
  operators     ${c.ids.availableOperatorId} (available), ${c.ids.busyOperatorId} (busy), ${c.ids.offlineOperatorId} (offline)
  control API   ${emulator.url}/_emulator  (see sandbox/zoho/README.md)`)

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => void emulator.close().then(() => process.exit(0)))
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
