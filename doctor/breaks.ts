import { randomBytes } from 'node:crypto'
import { SALESIQ_SCOPES } from '../src/zoho/oauth'
import type { ZohoEmulatorClient } from '../sandbox/zoho/client'
import type { DoctorConfig } from './config'

/** What a break may change: the seeded settings, and the emulator the doctor started (through its control API). */
export type LocalSetup = {
  config: DoctorConfig
  emulatorUrl: string
  control: ZohoEmulatorClient
  ids: { billingDepartmentId: string }
}

type Break = {
  /** What the output says was broken, in the words of the setting a bot builder would get wrong. */
  describe: string
  /** False when the break is that the integration never registered its webhook. */
  webhook?: false
  apply?: (setup: LocalSetup) => Promise<void> | void
}

/**
 * `--break <name>`: one realistic mistake, made on the emulator the doctor starts, so that a single command shows the
 * step that catches it and the message a bot builder would read. `--set field=value` covers any other value.
 */
export const BREAKS: Record<string, Break> = {
  'client-secret': {
    describe: "clientSecret is not the client's secret (copied from another client)",
    apply: ({ config }) => void (config.clientSecret = `wrong-${randomBytes(6).toString('hex')}`),
  },
  'refresh-token': {
    describe: 'refreshToken is revoked or was never issued',
    apply: ({ config }) =>
      void (config.refreshToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`),
  },
  region: {
    describe: 'region is "eu" while the account lives in the "us" data center',
    apply: ({ config }) => void (config.region = 'eu'),
  },
  'screen-name': {
    describe: 'screenName has a typo',
    apply: ({ config }) => void (config.screenName = `${config.screenName}-typo`),
  },
  app: {
    describe: 'appId names no app of the portal',
    apply: ({ config }) => void (config.appId = '719999999999999'),
  },
  department: {
    describe: 'departmentId is "Billing", a department that exists but is not part of the app',
    apply: ({ config, ids }) => void (config.departmentId = ids.billingDepartmentId),
  },
  scopes: {
    describe: 'refreshToken was generated without the SalesIQ.webhooks scope',
    apply: async (setup) => {
      setup.config.refreshToken = await consentedRefreshToken(
        setup,
        SALESIQ_SCOPES.filter((s) => !s.startsWith('SalesIQ.webhooks'))
      )
    },
  },
  operators: {
    describe: 'no operator is available (all offline)',
    apply: async ({ control }) => {
      for (const op of await control.operators()) await control.setOperator(String(op.id), { status: 'offline' })
    },
  },
  webhook: {
    describe: 'the integration has not created its SalesIQ webhook yet (its configuration was never saved)',
    webhook: false,
  },
}

export const BREAK_NAMES = Object.keys(BREAKS)

/** A refresh token granted for `scopes` only: the emulator's consent form accepted, the code exchanged. */
async function consentedRefreshToken(setup: LocalSetup, scopes: string[]): Promise<string> {
  const { config, emulatorUrl } = setup
  const redirectUri = 'http://127.0.0.1/doctor-consent'
  const consent = await fetch(`${emulatorUrl}/oauth/v2/consent`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      decision: 'accept',
      client_id: config.clientId,
      redirect_uri: redirectUri,
      scope: scopes.join(','),
      access_type: 'offline',
    }),
  })
  const code = new URL(consent.headers.get('location') ?? redirectUri).searchParams.get('code')
  if (!code) throw new Error(`the emulator's consent gave no code (HTTP ${consent.status})`)
  const res = await fetch(`${emulatorUrl}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: config.clientId,
      client_secret: config.clientSecret,
      redirect_uri: redirectUri,
    }),
  })
  const token = ((await res.json()) as { refresh_token?: string }).refresh_token
  if (!token) throw new Error('the emulator issued no refresh token for the reduced scopes')
  return token
}
