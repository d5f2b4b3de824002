import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { Client } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../harness/helpers'
import { buildProtocolBot } from './protocol-bot'

const ROOT = path.resolve(__dirname, '../..')

/** Processes (other than `except`) whose environment carries this run's marker: the sandbox and its children. */
function processesWith(marker: string, except?: number): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === except) continue
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) found.push(pid)
    } catch {
      // gone, or not ours
    }
  }
  return found
}

/** `npm start` without the build: the sandbox's entry in its own Node process, tagged with a marker every child inherits. */
function startSandbox(port: number, env: Record<string, string> = {}) {
  const marker = `SANDBOX_PROCESS_TEST=${randomBytes(6).toString('hex')}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), [marker.split('=')[0]!]: marker.split('=')[1]! },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return { child, marker, output: () => output }
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve([child.exitCode, child.signalCode])
    : once(child, 'exit')

const noneLeft = (marker: string) =>
  waitFor('every child of the sandbox to exit', async () => processesWith(marker).length === 0, 10_000)

describe('npm start leaves no process behind', () => {
  it('with its port taken: says how to pick another one, and every child is gone', async () => {
    const taken = createServer().listen(0, '127.0.0.1')
    await once(taken, 'listening')
    const { port } = taken.address() as { port: number }
    try {
      const sandbox = startSandbox(port)
      const [code] = await exitOf(sandbox.child)
      expect(code).toBe(1)
      expect(sandbox.output()).toContain(`Port ${port} is already in use`)
      expect(sandbox.output()).toContain('PORT=')
      await noneLeft(sandbox.marker)
    } finally {
      taken.close()
    }
  })

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`on ${signal}: the integration and bot processes die with it`, async () => {
      const sandbox = startSandbox(0)
      await waitFor('the sandbox to be ready', async () => sandbox.output().includes('Sandbox ready'), 30_000)
      // the sandbox, its integration process and its bot process
      expect(processesWith(sandbox.marker).length).toBeGreaterThanOrEqual(3)
      sandbox.child.kill(signal)
      await exitOf(sandbox.child)
      await noneLeft(sandbox.marker)
    })
  }
})

describe('npm start with a bot of your own', () => {
  it('SANDBOX_BOT runs that bundle, with SANDBOX_BOT_CONFIG as its configuration', async () => {
    const bot = await buildProtocolBot()
    const sandbox = startSandbox(0, { SANDBOX_BOT: bot.bundle, SANDBOX_BOT_CONFIG: '{"tone":"dry"}' })
    try {
      await waitFor('the sandbox to be ready', async () => sandbox.output().includes('Sandbox ready'), 30_000)
      expect(sandbox.output()).toContain(`Bot:                   ${bot.bundle}`)
      const apiUrl = /Botpress API emulator: (\S+)/.exec(sandbox.output())![1]!
      const { output } = await new Client({ apiUrl, botId: 'bot_sandbox' }).callAction({
        type: 'deliveries',
        input: {},
      })
      expect(output.configuration).toEqual({ tone: 'dry' })
    } finally {
      sandbox.child.kill('SIGTERM')
      await exitOf(sandbox.child)
      bot.remove()
    }
    await noneLeft(sandbox.marker)
  })

  it('a SANDBOX_BOT_CONFIG that is not JSON stops it with a message that says so', async () => {
    const sandbox = startSandbox(0, { SANDBOX_BOT_CONFIG: '{tone: dry}' })
    const [code] = await exitOf(sandbox.child)
    expect(code).toBe(1)
    expect(sandbox.output()).toContain('SANDBOX_BOT_CONFIG is not JSON')
    await noneLeft(sandbox.marker)
  })
})
