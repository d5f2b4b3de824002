import { enableHeapProbe, heapAfterGc, type Heap } from '../heap'
import { LoadGenerator, sleep, type DriveReport } from '../load/generator'
import { cpuSecondsOf, memoryOf } from '../proc'
import { startProfiling } from '../profile'
import { handToSdkFloor } from '../sdk-floor/swap'
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
  /** The same load on the same sessions through the SDK-only floor (bench/sdk-floor/). */
  sdkFloor: { run: DriveReport; cpuMsPerMessage: number; cpu: number }
  /** The two processes measured (their CPU profiles, with --profile, are <pid>.cpuprofile). */
  pids: { ours: number; sdkFloor: number }
}

/** The mixed load, with the CPU the process `pid` used per relayed message. */
async function measuredDrive(load: LoadGenerator, pid: number, opts: Parameters<typeof throughputPhase>[0]) {
  startProfiling(pid) // with --profile
  const before = cpuSecondsOf(pid)
  const run = await load.drive({
    messagesPerSession: opts.messagesPerSession,
    operatorShare: 0.5,
    concurrency: opts.concurrency,
    warmup: Math.min(200, opts.sessions),
    messageTimeoutMs: 30_000,
    settleTimeoutMs: 10_000,
  })
  const cpuSeconds = cpuSecondsOf(pid) - before
  const relayed = run.visitor.delivered + run.operator.delivered
  return { run, cpuSeconds, cpuMsPerMessage: (cpuSeconds * 1000) / relayed, cpu: cpuSeconds / (run.elapsedMs / 1000) }
}

/**
 * `sessions` HITL sessions open at once, then a mixed conversation (half visitor, half operator) on all of them with
 * `concurrency` messages in flight: sustained relayed messages/s, with memory and CPU of the integration process;
 * then the same load on the same sessions through the SDK-only floor.
 */
export async function throughputPhase(opts: {
  sessions: number
  messagesPerSession: number
  concurrency: number
  instances: number
  steadyMs: number
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
    await load.steady(opts.steadyMs)
    const sessionsOpen = memoryOf(pid)
    heap.sessionsOpen = await heapAfterGc(pid)
    const selfBefore = cpuSecondsOf(process.pid)
    const ours = await measuredDrive(load, pid, opts)
    const { run } = ours
    const seconds = run.elapsedMs / 1000
    const integrationCpu = ours.cpuSeconds
    const cpu = {
      integration: ours.cpu,
      emulatorsAndGenerator: (cpuSecondsOf(process.pid) - selfBefore) / seconds,
    }
    const relayed = run.visitor.delivered + run.operator.delivered
    const afterLoad = memoryOf(pid)
    heap.afterLoad = await heapAfterGc(pid)
    const floorPid = await handToSdkFloor(stack)
    const floor = await measuredDrive(load, floorPid, opts)
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
      sdkFloor: { run: floor.run, cpuMsPerMessage: floor.cpuMsPerMessage, cpu: floor.cpu },
      pids: { ours: pid, sdkFloor: floorPid },
    }
  } finally {
    load.close()
    await stack.close()
  }
}
