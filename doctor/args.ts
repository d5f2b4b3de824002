import { BREAK_NAMES, BREAKS } from './breaks'
import { ENV_NAMES, type DoctorConfig } from './config'

/** Command line of `npm run doctor -- [options]`. */
export type DoctorArgs = {
  configFile?: string
  emulator: boolean
  webhookUrl?: string
  strict: boolean
  help: boolean
  /** `--break <name>`: mistakes to make on the emulator the doctor starts (implies --emulator). */
  breaks: string[]
  /** `--set field=value`: settings that replace the loaded (or seeded) ones; an empty value removes the field. */
  sets: Array<[keyof DoctorConfig, string]>
}

const FIELDS = Object.keys(ENV_NAMES) as Array<keyof DoctorConfig>

export const USAGE = `Usage: npm run doctor -- [--config file.json] [--webhook-url URL] [--emulator] [--strict]
                        [--set field=value]... [--break name]...

Checks a Zoho SalesIQ setup step by step and prints PASS / WARN / FAIL with the fix.

  --config file.json   the integration's configuration (region, clientId, clientSecret, refreshToken, screenName,
                       appId, departmentId, optional webhookPublicKey and webhookUrl)
  --webhook-url URL    the integration's webhook URL (shown on its page in Botpress); also ZOHO_WEBHOOK_URL
  --emulator           run against a Zoho emulator the doctor starts, with its seeded account (the default when no
                       credentials are given)
  --set field=value    replace one setting (repeatable), e.g. --set departmentId=nope; works with every source
  --break name         make one realistic mistake on the emulator the doctor starts (repeatable; implies --emulator):
${BREAK_NAMES.map((n) => `                         ${n.padEnd(14)} ${BREAKS[n]!.describe}`).join('\n')}
  --strict             warnings count as failures (exit code 1)

Without --config the settings come from ZOHO_REGION, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN,
ZOHO_SCREEN_NAME, ZOHO_APP_ID, ZOHO_DEPARTMENT_ID and optional ZOHO_WEBHOOK_URL, ZOHO_WEBHOOK_PUBLIC_KEY.
Secrets are never printed. Exit code: 0 when nothing failed, 1 when a check failed, 2 on bad usage.

Examples:
  npm run doctor -- --break department          what a department outside the app looks like
  npm run doctor -- --set appId=123             any value, against the emulator's seeded account
  npm run doctor -- --config zoho.json --set departmentId=71000000000123`

export function parseArgs(argv: string[]): DoctorArgs {
  const args: DoctorArgs = { emulator: false, strict: false, help: false, breaks: [], sets: [] }
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
    else if (flag === '--break') {
      const name = value()
      if (!BREAKS[name]) throw new Error(`--break ${name}: not one of ${BREAK_NAMES.join(', ')}`)
      args.breaks.push(name)
    } else if (flag === '--set') {
      const pair = value()
      const at = pair.indexOf('=')
      const field = (at < 0 ? pair : pair.slice(0, at)) as keyof DoctorConfig
      if (at < 0 || !FIELDS.includes(field))
        throw new Error(`--set ${pair}: expected field=value, field one of ${FIELDS.join(', ')}`)
      args.sets.push([field, pair.slice(at + 1).trim()])
    } else throw new Error(`unknown option ${arg}`)
  }
  return args
}
