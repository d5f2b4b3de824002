import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

/** A bundle served in its own Node process: an integration or a bot, each spoken to only over HTTP. */
export type ServedProcess = {
  url: string
  /** OS process id (benchmarks read /proc/<pid>/status and pin it to a core). */
  pid: number
  /** Everything the process printed so far (stdout + stderr), for log assertions and the secret scan. */
  output(): string
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * What the child runs before `default.start(port)` of the bundle:
 * - the SDK's server calls `listen(port)` with no host, i.e. on every interface; the sandbox must stay on loopback
 *   (issue #14), so a listen given only a port binds 127.0.0.1;
 * - the child dies with the sandbox however it ends (error, signal, even SIGKILL): its stdin is a pipe from the
 *   parent, which the OS closes when the parent goes away (issue #16).
 */
export function childScript(bundle: string, port: number): string {
  return [
    `const net = require('node:net')`,
    `const listen = net.Server.prototype.listen`,
    `net.Server.prototype.listen = function (...args) {`,
    `  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')`,
    `  return listen.apply(this, args)`,
    `}`,
    `process.stdin.on('end', () => process.exit(0))`,
    `process.stdin.resume()`,
    `require(${JSON.stringify(bundle)}).default.start(${port})`,
  ].join('\n')
}

/**
 * Starts `default.start(port)` of a CommonJS bundle in a child process, as Botpress Cloud runs integrations and
 * bots, and waits until its `/health` answers.
 */
export async function startServedBundle(opts: {
  bundle: string
  env: Record<string, string>
  /** For error messages: "integration", "bot". */
  what: string
}): Promise<ServedProcess> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['-e', childScript(opts.bundle, port)], {
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = once(child, 'exit')
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await exited
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${opts.what} (${opts.bundle}) exited with ${child.exitCode}:\n${output}`)
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close()
      throw new Error(`${opts.what} (${opts.bundle}) did not answer /health within 15 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url, pid: child.pid!, output: () => output, close }
}
