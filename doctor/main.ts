import { hostsFor, isRegion } from '../src/zoho/regions'
import { parseArgs, USAGE } from './args'
import { BREAKS } from './breaks'
import { applySets, configProblems, envHasCredentials, loadConfig, type DoctorConfig } from './config'
import { connectZoho } from './connection'
import type { DoctorContext } from './context'
import { fail, printLine, printStep, summarize } from './report'
import { runSteps } from './run'
import { maskSecret, registerSecret } from './secrets'
import { detectTarget, startLocalEmulator, type Target } from './target'

/**
 * `npm run doctor`: checks a Zoho SalesIQ setup step by step (PASS / WARN / FAIL with the fix). With credentials
 * (env vars or --config) it checks them; without (or with --emulator / --break) it starts the Zoho emulator with its
 * seeded account and checks that, so CI runs it too. `--set` and `--break` change one setting so that one command
 * shows what a mistake looks like. Secrets are never printed.
 */
async function main(): Promise<number> {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (err) {
    printLine(`doctor: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    printLine(USAGE)
    return 0
  }

  let target: Target
  let config: DoctorConfig
  const changes: string[] = []
  const hasCredentials = !!args.configFile || envHasCredentials(process.env)
  if (args.breaks.length && hasCredentials) {
    printLine(
      `doctor: --break only works on the emulator the doctor starts (your settings are never broken on purpose); use --set field=value to try a value with your own settings.\n\n${USAGE}`
    )
    return 2
  }
  const useEmulator = args.emulator || args.breaks.length > 0 || !hasCredentials
  const incomplete = (problems: string[], source: string) => {
    printLine(`Zoho SalesIQ doctor — settings from ${source}\n`)
    printStep(fail('Configuration complete', problems.join('\n'), 'see each line above.'))
    printLine('\n0 passed, 0 warning(s), 1 failed — the setup needs fixing (see FAIL above)')
  }
  if (useEmulator) {
    const local = await startLocalEmulator({ webhook: args.breaks.every((b) => BREAKS[b]!.webhook !== false) })
    target = local.target
    const { config: seeded } = local.setup
    registerSecret(seeded.clientSecret)
    registerSecret(seeded.refreshToken)
    try {
      for (const name of args.breaks) {
        await BREAKS[name]!.apply?.(local.setup)
        changes.push(`--break ${name}: ${BREAKS[name]!.describe}`)
      }
    } catch (err) {
      await target.close()
      throw err
    }
    applySets(seeded, args.sets)
    for (const [field] of args.sets) changes.push(`--set ${field}`)
    registerSecret(seeded.clientSecret)
    registerSecret(seeded.refreshToken)
    const problems = configProblems(seeded)
    if (problems.length) {
      incomplete(problems, `the emulator's seeded account, ${changes.join(', ')}`)
      await target.close()
      return 1
    }
    config = seeded
  } else {
    const loaded = loadConfig(process.env, args.configFile, args.webhookUrl, args.sets)
    registerSecret(loaded.config.clientSecret)
    registerSecret(loaded.config.refreshToken)
    if (loaded.problems.length) {
      incomplete(loaded.problems, loaded.source)
      return 1
    }
    for (const [field] of args.sets) changes.push(`--set ${field}`)
    config = loaded.config as DoctorConfig
    target = await detectTarget()
  }
  registerSecret(config.clientSecret)
  registerSecret(config.refreshToken)

  try {
    const region = isRegion(config.region) ? config.region : 'us'
    const hosts = hostsFor(region)
    printLine(`Zoho SalesIQ doctor — checking ${target.label}`)
    printLine(`  region        ${config.region} (accounts ${hosts.accounts}, SalesIQ ${hosts.salesiq})`)
    printLine(`  clientId      ${config.clientId}`)
    printLine(`  clientSecret  ${maskSecret(config.clientSecret)}`)
    printLine(`  refreshToken  ${maskSecret(config.refreshToken)}`)
    printLine(`  screenName    ${config.screenName}`)
    printLine(`  appId         ${config.appId}`)
    printLine(`  departmentId  ${config.departmentId}`)
    printLine(
      `  webhookUrl    ${config.webhookUrl ?? "(not given: pass --webhook-url or ZOHO_WEBHOOK_URL to check the integration's)"}`
    )
    if (changes.length) printLine(`  changed       ${changes.join('\n                ')}`)
    printLine()
    const ctx: DoctorContext = { config, target, zoho: connectZoho(config), missingScopes: [], webhookKeys: [] }
    const results = await runSteps(ctx)
    const { line, exitCode } = summarize(results, args.strict)
    printLine()
    printLine(line)
    return exitCode
  } finally {
    await target.close()
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    printLine(`doctor: ${(err as Error)?.message ?? String(err)}`)
    process.exit(1)
  }
)
