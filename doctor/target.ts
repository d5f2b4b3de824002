import { ZohoEmulatorClient } from '../sandbox/zoho/client'
import { startZohoEmulator } from '../sandbox/zoho/server'
import { ensureWebhook } from '../src/setup/ensure-webhook'
import type { DoctorConfig } from './config'
import { connectZoho } from './connection'
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

export async function startLocalEmulator(): Promise<{ target: Target; config: DoctorConfig }> {
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
  // What the integration's register does once connected: the app's secured webhook, pointing at "our" URL.
  const { salesiq } = connectZoho(config, 'doctor-setup')
  await ensureWebhook(salesiq, receiver.url, config.appId)
  const close = async () => {
    await receiver.close()
    await em.close()
  }
  return {
    target: {
      kind: 'local',
      label: `the Zoho emulator started by the doctor (${em.url}, seeded account)`,
      control: new ZohoEmulatorClient(em.url),
      receiver,
      close,
    },
    config,
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
