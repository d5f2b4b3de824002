import { LoadGenerator, sleep, type DriveReport } from '../load/generator'
import { benchStack } from '../stack'

export type TokenResult = {
  lifetimeSec: number
  lifetimes: number
  instances: number
  tokenRequests: number
  perLifetime: number
  run: DriveReport
}

/**
 * Steady traffic (a message every `intervalMs`, 70 % from the visitor: only those need a SalesIQ token) for
 * `lifetimes` token lifetimes, with the emulator issuing tokens of `lifetimeSec`, through two instances round-robin
 * (the refresh must be shared, not done per instance). Zoho's real throttle (10 / 10 min) stays on.
 */
export async function tokenPhase(opts: {
  lifetimeSec: number
  lifetimes: number
  intervalMs: number
  instances: number
}): Promise<TokenResult> {
  const stack = await benchStack({ instances: opts.instances, zohoSettings: { tokenLifetimeSec: opts.lifetimeSec } })
  const load = new LoadGenerator(stack)
  try {
    await load.open(10, 4)
    await sleep(500)
    const durationMs = opts.lifetimes * opts.lifetimeSec * 1000
    const count = Math.ceil(durationMs / opts.intervalMs)
    const t0 = performance.now()
    const run = await load.drive({
      messagesPerSession: Math.ceil(count / load.sessions.length),
      operatorShare: 0.3,
      concurrency: 1,
      beforeSend: async (n) => {
        const due = t0 + n * opts.intervalMs
        if (due > performance.now()) await sleep(due - performance.now())
      },
    })
    const tokenRequests = run.zohoCalls.token ?? 0
    const lifetimes = run.elapsedMs / 1000 / opts.lifetimeSec
    return {
      lifetimeSec: opts.lifetimeSec,
      lifetimes,
      instances: opts.instances,
      tokenRequests,
      perLifetime: tokenRequests / lifetimes,
      run,
    }
  } finally {
    load.close()
    await stack.close()
  }
}
