import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'

/** The built bundle, exactly what Botpress Cloud runs (`npm run build` makes it; `npm test` builds first). */
export const BUNDLE = path.resolve(__dirname, '../../.botpress/dist/index.cjs')

export type IntegrationProcess = {
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
 * One instance of the integration in its own Node process, as Botpress Cloud runs it: `default.start(port)` of the
 * bundle. Several can run side by side (stateless instances sharing one Botpress API).
 */
export async function startIntegration(env: Record<string, string>): Promise<IntegrationProcess> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', `require(${JSON.stringify(BUNDLE)}).default.start(${port})`],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`integration exited with ${child.exitCode}:\n${output}`)
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`integration did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    close: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
