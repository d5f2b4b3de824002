import { enableHeapProbe, heapAfterGc, type Heap } from '../heap'
import { LoadGenerator, sleep, type DriveReport } from '../load/generator'
import { cpuSecondsOf, memoryOf } from '../proc'
import { benchStack } from '../stack'

export type ThroughputResult = {
  sessions: number
  concurrency: number
  openMs: number
  run: DriveReport
  memory: {
    idle: { rssKb: number; hwmKb: number }
    sessionsOpen: { rssKb: number; hwmKb: number }
    afterLoad: { rssKb: number; hwmKb: number }
  }
  /** Heap after a forced GC: what the integration really keeps (RSS also holds heap V8 has not returned). */
  heap: { idle?: Heap; sessionsOpen?: Heap; afterLoad?: Heap }
  /** Integration CPU time per relayed message (ms), and the rate one core could sustain at that cost. */
  integrationCpuMsPerMessage: number
  integrationBoundMsgPerSec: number
  /** Share of one CPU each side used while the messages ran (1 = a whole core). */
  cpu: { integration: number; emulatorsAndGenerator: number }
}

/**
 * `sessions` HITL sessions open at once, then a mixed conversation (half visitor, half operator) on all of them with
 * `concurrency` messages in flight: sustained relayed messages/s, with memory and CPU of the integration process.
 */
export async function throughputPhase(opts: {
  sessions: number
  messagesPerSession: number
  concurrency: number
  instances: number
}): Promise<ThroughputResult> {
  const nodeOptions = process.env.NODE_OPTIONS
  enableHeapProbe()
  const stack = await benchStack({ instances: opts.instances }).finally(() => {
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS
    else process.env.NODE_OPTIONS = nodeOptions
  })
  const load = new LoadGenerator(stack)
  const pid = stack.pool.instances[0]!.pid
  try {
    await sleep(500)
    const idle = memoryOf(pid)
    const heap: ThroughputResult['heap'] = { idle: await heapAfterGc(pid) }
    const t0 = performance.now()
    await load.open(opts.sessions, 32)
    const openMs = performance.now() - t0
    await sleep(3000) // assignment webhooks and their scheduled events
    const sessionsOpen = memoryOf(pid)
    heap.sessionsOpen = await heapAfterGc(pid)
    const cpuBefore = { integration: cpuSecondsOf(pid), self: cpuSecondsOf(process.pid) }
    const run = await load.drive({
      messagesPerSession: opts.messagesPerSession,
      operatorShare: 0.5,
      concurrency: opts.concurrency,
      warmup: Math.min(200, opts.sessions),
      messageTimeoutMs: 30_000,
      settleTimeoutMs: 10_000,
    })
    const seconds = run.elapsedMs / 1000
    const integrationCpu = cpuSecondsOf(pid) - cpuBefore.integration
    const cpu = {
      integration: integrationCpu / seconds,
      emulatorsAndGenerator: (cpuSecondsOf(process.pid) - cpuBefore.self) / seconds,
    }
    const relayed = run.visitor.delivered + run.operator.delivered
    const afterLoad = memoryOf(pid)
    heap.afterLoad = await heapAfterGc(pid)
    return {
      sessions: opts.sessions,
      concurrency: opts.concurrency,
      openMs,
      run,
      memory: { idle, sessionsOpen, afterLoad },
      heap,
      integrationCpuMsPerMessage: (integrationCpu * 1000) / relayed,
      integrationBoundMsgPerSec: relayed / integrationCpu,
      cpu,
    }
  } finally {
    load.close()
    await stack.close()
  }
}
