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
async function createWebhook(url = receiverUrl): Promise<void> {
  const token = await zoho.accessToken()
  const api = `${em.url}/api/v2/${em.credentials.screenName}/webhooks`
  const headers = { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' }
  const body = JSON.stringify({
    type: 'data',
    url,
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
    expect(line(out, 'SKIP', 'Signed test delivery round-trip')).toBe(true) // one cause, one FAIL
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

  it('no webhook yet on an emulator run by someone else: a warning that says what creates it, not a failure', async () => {
    const { code, out } = await runWith()
    expect(line(out, 'WARN', 'Webhook registered'), out).toBe(true)
    expect(out).toContain(`SalesIQ has no webhook for app ${em.ids.appId} yet`)
    expect(out).toContain('an emulator starts with no webhook')
    expect(out).toContain('`npm run doctor -- --emulator`')
    expect(line(out, 'SKIP', 'Signed test delivery round-trip')).toBe(true)
    expect(out).not.toMatch(/^FAIL/m)
    expect(out).toContain('nothing failed, but read each WARN above')
    expect(code).toBe(0)
    const strict = await runWith({}, ['--strict'])
    expect(strict.code).toBe(1)
    expectNoSecret(out + strict.out)
  })

  it("the app's webhook points elsewhere: the webhook step fails and explains both ways to fix it", async () => {
    await createWebhook(`${receiverUrl}-old`)
    const { code, out } = await runWith()
    expect(line(out, 'FAIL', 'Webhook registered')).toBe(true)
    expect(out).toContain(`No SalesIQ webhook points at ${receiverUrl}.`)
    expect(out).toContain(`→ ${receiverUrl}-old`)
    expect(out).toMatch(/Fix: save the integration's configuration again/)
    expect(out).toContain('secured true')
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

/** One command shows a broken setting: the doctor starts its own emulator and breaks one thing on it. */
describe('npm run doctor -- --break / --set', () => {
  const oneLine = (...args: string[]) => doctor(args, cleanEnv())

  it('--break department: the department step fails and lists the departments of the app', async () => {
    const { code, out } = await oneLine('--break', 'department')
    expect(out).toContain('the Zoho emulator started by the doctor')
    expect(out).toContain('--break department: departmentId is "Billing"')
    expect(line(out, 'PASS', 'App (brand)')).toBe(true)
    expect(line(out, 'FAIL', 'Department "')).toBe(true)
    expect(out).toMatch(
      /does not belong to app "Acme Website".*Set "departmentId" to one of: \d+ \(Support\), \d+ \(Sales\)/
    )
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('--set departmentId=nope: an unknown department, with the valid ones', async () => {
    const { code, out } = await oneLine('--set', 'departmentId=nope')
    expect(out).toMatch(/departmentId {2}nope/)
    expect(line(out, 'FAIL', 'Department "nope"')).toBe(true)
    expect(out).toMatch(/Unknown department: SalesIQ has no department with id "nope".*\d+ \(Support\)/)
    expect(code).toBe(1)
  })

  it('--break region: a warning that names the data center the account lives in', async () => {
    const { code, out } = await oneLine('--break=region')
    expect(out).toMatch(/region {8}eu/)
    expect(line(out, 'WARN', 'Data center matches the account')).toBe(true)
    expect(out).toContain('Fix: set "region" to "us".')
    expect(code).toBe(0)
  })

  it('--break scopes: a refresh token without the webhooks scope fails the scopes step, naming it', async () => {
    const { code, out } = await oneLine('--break', 'scopes')
    expect(line(out, 'PASS', 'Token refresh works')).toBe(true)
    expect(line(out, 'FAIL', 'Scopes sufficient')).toBe(true)
    expect(out).toContain('missing: SalesIQ.webhooks.READ')
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('--break refresh-token: the token step fails, and the broken token is not printed either', async () => {
    const { code, out } = await oneLine('--break', 'refresh-token')
    expect(line(out, 'FAIL', 'Token refresh works')).toBe(true)
    expect(out).toContain('Zoho rejected the refresh token')
    expect(code).toBe(1)
    expectNoSecret(out)
  })

  it('every other --break is caught by its own step', async () => {
    const expected: Array<[string, string, string]> = [
      ['client-secret', 'FAIL', 'Token refresh works'],
      ['screen-name', 'FAIL', 'Screen name "acme-typo"'],
      ['app', 'FAIL', 'App (brand) "719999999999999"'],
      ['operators', 'WARN', 'Operators online'],
      ['webhook', 'WARN', 'Webhook registered'],
    ]
    const runs = await Promise.all(expected.map(([name]) => oneLine('--break', name)))
    runs.forEach(({ out }, i) => {
      const [name, status, title] = expected[i]!
      expect(out).toContain(`--break ${name}: `)
      expect(line(out, status, title), `--break ${name}\n${out}`).toBe(true)
      expectNoSecret(out)
    })
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 0, 0])
  }, 120_000) // five doctors at once on 2 shared CPUs

  it('--set replaces a value of a configuration file too', async () => {
    await createWebhook()
    const { code, out } = await runWith({}, ['--set', 'screenName=acme-typo'])
    expect(out).toContain('--set screenName')
    expect(line(out, 'FAIL', 'Screen name "acme-typo"')).toBe(true)
    expect(code).toBe(1)
  })

  it('bad usage is refused with the list of choices, before anything runs', async () => {
    const unknown = await oneLine('--break', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.out).toContain('--break nope: not one of client-secret, refresh-token, region')
    const field = await oneLine('--set', 'depId=1')
    expect(field.code).toBe(2)
    expect(field.out).toContain('field one of region, clientId')
    const real = await doctor(['--break', 'app'], cleanEnv({ ZOHO_CLIENT_ID: 'x', ZOHO_CLIENT_SECRET: 'y' }))
    expect(real.code).toBe(2)
    expect(real.out).toContain('--break only works on the emulator the doctor starts')
  })
})
