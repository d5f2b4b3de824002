/** Command line of `npm run doctor -- [options]`. */
export type DoctorArgs = {
  configFile?: string
  emulator: boolean
  webhookUrl?: string
  strict: boolean
  help: boolean
}

export const USAGE = `Usage: npm run doctor -- [--config file.json] [--webhook-url URL] [--emulator] [--strict]

Checks a Zoho SalesIQ setup step by step and prints PASS / WARN / FAIL with the fix.

  --config file.json   the integration's configuration (region, clientId, clientSecret, refreshToken, screenName,
                       appId, departmentId, optional webhookPublicKey and webhookUrl)
  --webhook-url URL    the integration's webhook URL (shown on its page in Botpress); also ZOHO_WEBHOOK_URL
  --emulator           run against the local Zoho emulator (the default when no credentials are given)
  --strict             warnings count as failures (exit code 1)

Without --config the settings come from ZOHO_REGION, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN,
ZOHO_SCREEN_NAME, ZOHO_APP_ID, ZOHO_DEPARTMENT_ID and optional ZOHO_WEBHOOK_URL, ZOHO_WEBHOOK_PUBLIC_KEY.
Secrets are never printed. Exit code: 0 when nothing failed, 1 when a check failed, 2 on bad usage.`

export function parseArgs(argv: string[]): DoctorArgs {
  const args: DoctorArgs = { emulator: false, strict: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]
    const value = () => {
      const v = inline ?? argv[++i]
      if (!v) throw new Error(`${flag} needs a value`)
      return v
    }
    if (flag === '--config' || flag === '-c') args.configFile = value()
    else if (flag === '--webhook-url') args.webhookUrl = value()
    else if (flag === '--emulator') args.emulator = true
    else if (flag === '--strict') args.strict = true
    else if (flag === '--help' || flag === '-h') args.help = true
    else throw new Error(`unknown option ${arg}`)
  }
  return args
}
