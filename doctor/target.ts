import { ZohoEmulatorClient } from '../sandbox/zoho/client'
import { startZohoEmulator } from '../sandbox/zoho/server'
import { ensureWebhook } from '../src/setup/ensure-webhook'
import type { DoctorConfig } from './config'
import { connectZoho } from './connection'
import type { LocalSetup } from './breaks'
import { startReceiver, type Receiver } from './receiver'

/**
 * What the doctor talks to. `local`: the Zoho emulator started in this process with its seeded account, and a
 * receiver standing in for the integration's webhook URL (set up as register would: a secured webhook with a key).
 * `emulator`: an emulator someone else runs (ZOHO_SALESIQ_URL points at it), whose control API lets the doctor
 * trigger a delivery. `zoho`: the real thing — read-only checks.
 */
export type Target =
  | { kind: 'local'; label: string; control: ZohoEmulatorClient; receiver: Receiver; close(): Promise<void> }
  | { kind: 'emulator'; label: string; control: ZohoEmulatorClient; close(): Promise<void> }
  | { kind: 'zoho'; label: string; close(): Promise<void> }

export type LocalEmulator = { target: Target; setup: LocalSetup }

/**
 * Starts the emulator and the receiver; with `webhook` (the default) it also does what the integration's register
 * does once connected: the app's secured webhook pointing at "our" URL, with a key.
 */
export async function startLocalEmulator({ webhook = true } = {}): Promise<LocalEmulator> {
  const em = await startZohoEmulator({ port: 0, settings: { autoAssignDelayMs: 50 } })
  process.env.ZOHO_ACCOUNTS_URL = em.url
  process.env.ZOHO_SALESIQ_URL = em.url
  const receiver = await startReceiver()
  const c = em.credentials
  const config: DoctorConfig = {
    region: 'us',
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    refreshToken: c.refreshToken,
    screenName: c.screenName,
    appId: em.ids.appId,
    departmentId: em.ids.supportDepartmentId,
    webhookUrl: receiver.url,
  }
  if (webhook) await ensureWebhook(connectZoho(config, 'doctor-setup').salesiq, receiver.url, config.appId)
  const close = async () => {
    await receiver.close()
    await em.close()
  }
  const control = new ZohoEmulatorClient(em.url)
  return {
    target: {
      kind: 'local',
      label: `the Zoho emulator started by the doctor (${em.url}, seeded account)`,
      control,
      receiver,
      close,
    },
    setup: { config, emulatorUrl: em.url, control, ids: em.ids },
  }
}

/** An emulator answers its control API at the SalesIQ override URL; real Zoho is never probed for it. */
export async function detectTarget(): Promise<Target> {
  const override = process.env.ZOHO_SALESIQ_URL
  const close = async () => undefined
  if (override) {
    const control = new ZohoEmulatorClient(override)
    const isEmulator = await control
      .info()
      .then((i) => i.ok === true)
      .catch(() => false)
    if (isEmulator) return { kind: 'emulator', label: `the Zoho emulator at ${override}`, control, close }
    return { kind: 'zoho', label: `SalesIQ at ${override} (ZOHO_SALESIQ_URL)`, close }
  }
  return { kind: 'zoho', label: 'Zoho (the hosts of the configured data center)', close }
}
