import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { startZohoEmulator, type ZohoEmulator } from '../../sandbox/zoho/server'

/**
 * `npm run doctor` as a bot builder runs it: a child process reading a configuration file, pointed at an emulator
 * through ZOHO_ACCOUNTS_URL / ZOHO_SALESIQ_URL. Each broken setting must fail its own step with its own message,
 * and no secret may ever appear in the output.
 */
const ROOT = path.resolve(__dirname, '../..')
const EVENTS = [
  'conversation.attender.updated',
  'conversation.transfer.accepted',
  'conversation.operator.replied',
  'conversation.completed',
  'conversation.missed',
  'conversation.rated',
]

let em: ZohoEmulator
let zoho: ZohoEmulatorClient
let receiver: Server
let receiverUrl: string
let receiverStatus = 200
let dir: string

type Run = { code: number | null; out: string }

function baseConfig(): Record<string, string> {
  const c = em.credentials
  return {
    region: 'us',
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    refreshToken: c.refreshToken,
    screenName: c.screenName,
    appId: em.ids.appId,
    departmentId: em.ids.supportDepartmentId,
    webhookUrl: receiverUrl,
  }
}

/** A child environment without any ZOHO_* credential of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('ZOHO_')) delete env[key]
  return { ...env, ...extra }
}

async function doctor(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn('npx', ['tsx', 'doctor/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, out }
}

let n = 0
async function runWith(overrides: Record<string, string | undefined> = {}, args: string[] = []): Promise<Run> {
  const file = path.join(dir, `config-${++n}.json`)
  writeFileSync(file, JSON.stringify({ ...baseConfig(), ...overrides }))
  return doctor(['--config', file, ...args], cleanEnv({ ZOHO_ACCOUNTS_URL: em.url, ZOHO_SALESIQ_URL: em.url }))
}

/** What register does: the app's secured webhook pointing at the (test's) integration URL, with a key. */
async function createWebhook(): Promise<void> {
  const token = await zoho.accessToken()
  const api = `${em.url}/api/v2/${em.credentials.screenName}/webhooks`
  const headers = { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' }
  const body = JSON.stringify({
    type: 'data',
    url: receiverUrl,
    events: EVENTS,
    app_ids: [em.ids.appId],
    secured: true,
  })
  const created = (await (await fetch(api, { method: 'POST', headers, body })).json()) as { data: { id: string } }
  await fetch(`${api}/${created.data.id}/keys`, { method: 'POST', headers: { authorization: headers.authorization } })
}

function expectNoSecret(out: string, ...extra: string[]) {
  const c = em.credentials
  for (const secret of [c.clientSecret, c.refreshToken, ...extra]) expect(out).not.toContain(secret)
  expect(out).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/) // nothing shaped like a Zoho token
}

const line = (out: string, status: string, title: string) =>
  out.split('\n').some((l) => l.startsWith(status) && l.includes(title))

beforeAll(async () => {
  em = await startZohoEmulator({ settings: { autoAssignDelayMs: 20, throttleLimit: 10_000 } })
  zoho = new ZohoEmulatorClient(em.url)
  receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(req.method === 'POST' ? receiverStatus : 200).end())
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhook/wh_test`
  dir = mkdtempSync(path.join(tmpdir(), 'doctor-'))
})

afterAll(async () => {
  await new Promise((r) => receiver?.close(r))
  await em?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

beforeEach(async () => {
  receiverStatus = 200
  em.reset()
})

describe('npm run doctor', () => {
  it('passes every step against a well set-up emulator account, printing no secret', async () => {
    await createWebhook()
    const { code, out } = await runWith()
    expect(out).not.toMatch(/^(FAIL|WARN)/m)
    for (const title of [
      'Region reachable: Zoho Accounts',
      'Region reachable: SalesIQ',
      'Token refresh works',
      'Screen name "acme"',
      'Scopes sufficient',
      'App (brand)',
      'Department',
      'Operators online',
      'Webhook registered',
      'Webhook secured with a public key',
      "Webhook URL answers SalesIQ's HEAD check",
      'Signed test delivery round-trip',
    ])
      expect(line(out, 'PASS', title), `${title}\n${out}`).toBe(true)
    expect(out).toContain('the setup is ready')
    // The app's waiting time and the HITL plugin timeout that fits it (hub.md, "Missed chats").
    expect(out).toMatch(/waiting time 60 s; set the HITL plugin's agentAssignedTimeoutSeconds to 50/)
    expect(code).toBe(0)
    expectNoSecret(out)
  })

  it('runs against its own emulator when no credentials are given (what CI runs)', async () => {
    const { code, out } = await doctor([], cleanEnv())
    expect(out).toContain('the Zoho emulator started by the doctor')
    expect(line(out, 'PASS', 'Signed test delivery round-trip')).toBe(true)
    expect(out).toContain('x-siqsignature verified')
    expect(code).toBe(0)
    expectNoSecret(out)
  })

  it('wrong client secret: the token step fails and names clientId/clientSecret', async () => {
    await createWebhook()
    const wrong = 'not-the-right-secret-123'
    const { code, out } = await runWith({ clientSecret: wrong })
    expect(line(out, 'FAIL', 'Token refresh works')).toBe(true)
    expect(out).toContain('Zoho rejected the client ID or secret')
    expect(out).toMatch(/Fix: copy "clientId" and "clientSecret" again/)
    expect(line(out, 'SKIP', 'Screen name')).toBe(true)
    expect(code).toBe(1)
    expectNoSecret(out, wrong)
  })

  it('wrong refresh token: the token step fails and says how to get a new one', async () => {
    const wrong = '1000.deadbeefdeadbeefdeadbeefdeadbeef.deadbeefdeadbeefdeadbeefdeadbeef'
    const { code, out } = await runWith({ refreshToken: wrong })
    expect(line(out, 'FAIL', 'Token refresh works')).toBe(true)
    expect(out).toContain('Zoho rejected the refresh token')
    expect(out).toContain('Self Client')
    expect(code).toBe(1)
    expectNoSecret(out, wrong)
  })

  it('wrong screen name: the portal step fails with the screen-name fix', async () => {
    const { code, out } = await runWith({ screenName: 'acme-typo' })
    expect(line(out, 'FAIL', 'Screen name "acme-typo"')).toBe(true)
    expect(out).toContain('SalesIQ does not know this portal')
    expect(out).toMatch(/Fix: set "screenName"/)
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('unknown app: the app step fails and lists the apps there are', async () => {
    await createWebhook()
    const { code, out } = await runWith({ appId: '71000000001999999' })
    expect(line(out, 'FAIL', 'App (brand) "71000000001999999"')).toBe(true)
    expect(out).toContain('Unknown app')
    expect(out).toContain(`${em.ids.appId} (Acme Website)`)
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('department not in the app (Billing): the department step fails, the app passes', async () => {
    await createWebhook()
    const { code, out } = await runWith({ departmentId: em.ids.billingDepartmentId })
    expect(line(out, 'PASS', 'App (brand)')).toBe(true)
    expect(line(out, 'FAIL', `Department "${em.ids.billingDepartmentId}"`)).toBe(true)
    expect(out).toContain('does not belong to app "Acme Website"')
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('no operator available: a warning with the fix (a failure with --strict); the delivery still round-trips', async () => {
    await createWebhook()
    await zoho.setOperator(em.ids.availableOperatorId, { status: 'offline' })
    const relaxed = await runWith()
    expect(line(relaxed.out, 'WARN', 'Operators online')).toBe(true)
    expect(relaxed.out).toContain('No operator is available right now')
    expect(relaxed.out).toMatch(/Fix: set at least one operator/)
    expect(line(relaxed.out, 'PASS', 'Signed test delivery round-trip')).toBe(true)
    expect(relaxed.code).toBe(0)
    const strict = await runWith({}, ['--strict'])
    expect(strict.code).toBe(1)
    expectNoSecret(relaxed.out + strict.out)
  })

  it('webhook missing: the webhook step fails and explains both ways to create it', async () => {
    const { code, out } = await runWith()
    expect(line(out, 'FAIL', 'Webhook registered')).toBe(true)
    expect(out).toContain(`No SalesIQ webhook points at ${receiverUrl}`)
    expect(out).toMatch(/Fix: save the integration's configuration again/)
    expect(out).toContain('"secured" on')
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('an integration that refuses the signed delivery (wrong stored key) fails the round-trip', async () => {
    await createWebhook()
    receiverStatus = 401
    const { code, out } = await runWith()
    expect(line(out, 'FAIL', 'Signed test delivery round-trip')).toBe(true)
    expect(out).toContain('refused it (HTTP 401)')
    expect(code).toBe(1)
  })

  it('a missing setting is reported before anything is sent', async () => {
    const { code, out } = await runWith({ refreshToken: undefined, departmentId: undefined })
    expect(line(out, 'FAIL', 'Configuration complete')).toBe(true)
    expect(out).toContain('"refreshToken" is missing')
    expect(out).toContain('"departmentId" is missing')
    expect(code).toBe(1)
    expectNoSecret(out)
  })
})
