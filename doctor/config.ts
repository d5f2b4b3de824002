import { readFileSync } from 'node:fs'
import { REGIONS } from '../src/definitions/configuration'

/** What the doctor checks: the integration's configuration fields, plus the webhook URL Botpress gave it. */
export type DoctorConfig = {
  region: string
  clientId: string
  clientSecret: string
  refreshToken: string
  screenName: string
  appId: string
  departmentId: string
  webhookUrl?: string
  webhookPublicKey?: string
}

const REQUIRED = ['region', 'clientId', 'clientSecret', 'refreshToken', 'screenName', 'appId', 'departmentId'] as const

/** Environment variable of each field. */
export const ENV_NAMES: Record<keyof DoctorConfig, string> = {
  region: 'ZOHO_REGION',
  clientId: 'ZOHO_CLIENT_ID',
  clientSecret: 'ZOHO_CLIENT_SECRET',
  refreshToken: 'ZOHO_REFRESH_TOKEN',
  screenName: 'ZOHO_SCREEN_NAME',
  appId: 'ZOHO_APP_ID',
  departmentId: 'ZOHO_DEPARTMENT_ID',
  webhookUrl: 'ZOHO_WEBHOOK_URL',
  webhookPublicKey: 'ZOHO_WEBHOOK_PUBLIC_KEY',
}

/** True when the environment names any credential: then it is a real setup, not the emulator. */
export const envHasCredentials = (env: NodeJS.ProcessEnv) =>
  ['clientId', 'clientSecret', 'refreshToken'].some((k) => !!env[ENV_NAMES[k as keyof DoctorConfig]]?.trim())

export type LoadedConfig = { config: Partial<DoctorConfig>; source: string; problems: string[] }

/**
 * Reads the settings: the JSON file when given (the integration's configuration, field names as in Botpress), each
 * field missing there taken from its environment variable. Lists what is missing or malformed, with the fix.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  file?: string,
  webhookUrl?: string,
  sets: Array<[keyof DoctorConfig, string]> = []
): LoadedConfig {
  let fromFile: Record<string, unknown> = {}
  const problems: string[] = []
  if (file) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'))
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
      fromFile = parsed
    } catch (err) {
      problems.push(`Cannot read ${file}: ${(err as Error).message}. Fix: pass a JSON object of configuration fields.`)
    }
  }
  const config: Partial<DoctorConfig> = {}
  for (const key of Object.keys(ENV_NAMES) as Array<keyof DoctorConfig>) {
    const value = fromFile[key] ?? env[ENV_NAMES[key]]
    if (value !== undefined && value !== null && String(value).trim()) config[key] = String(value).trim()
  }
  if (webhookUrl) config.webhookUrl = webhookUrl.trim()
  applySets(config, sets)
  problems.push(...configProblems(config, (key) => `in the file or in ${ENV_NAMES[key]}`))
  return { config, source: file ? `file ${file}` : 'environment variables', problems }
}

/** `--set field=value`: the value replaces the field; an empty value removes it. */
export function applySets(config: Partial<DoctorConfig>, sets: Array<[keyof DoctorConfig, string]>): void {
  for (const [field, value] of sets) {
    if (value) config[field] = value
    else delete config[field]
  }
}

/** What is missing or malformed, each with the fix; `where` says how the missing field can be given. */
export function configProblems(
  config: Partial<DoctorConfig>,
  where: (key: keyof DoctorConfig) => string = (key) => `with --set ${key}=…`
): string[] {
  const problems: string[] = []
  for (const key of REQUIRED.filter((k) => !config[k])) {
    const hint =
      key === 'refreshToken'
        ? ' (the token the authorization link obtains stays inside Botpress: for the doctor, make a read-only one with a Zoho Self Client — see hub.md "The doctor")'
        : ''
    problems.push(`"${key}" is missing: set it ${where(key)}${hint}.`)
  }
  if (config.region && !(REGIONS as readonly string[]).includes(config.region))
    problems.push(`"region" is "${config.region}": it must be one of ${REGIONS.join(', ')}.`)
  if (config.webhookUrl && !/^https?:\/\//i.test(config.webhookUrl))
    problems.push(`"webhookUrl" is not a URL: copy the webhook URL from the integration's page in Botpress.`)
  return problems
}
