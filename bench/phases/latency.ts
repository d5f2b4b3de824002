import { total } from '../load/calls'
import { LoadGenerator, type DriveReport } from '../load/generator'
import { handToSdkFloor } from '../sdk-floor/swap'
import { benchStack } from '../stack'

export type LatencyResult = {
  visitorRun: DriveReport
  operatorRun: DriveReport
  zohoPerVisitorMessage: number
  botpressPerOperatorMessage: number
  botpressPerVisitorMessage: number
  /** The same runs, on the same sessions, through the SDK-only floor (bench/sdk-floor/). */
  sdkFloor: { visitorRun: DriveReport; operatorRun: DriveReport }
}

/**
 * One message at a time (no queueing), each direction on its own so that the API calls of a run belong to that
 * direction: `samples` measured messages after `warmup` unmeasured ones, spread over `sessions` open sessions. Then
 * the same two runs through the SDK-only floor, which takes over the same sessions.
 */
export async function latencyPhase(opts: {
  sessions: number
  samples: number
  warmup: number
  steadyMs: number
}): Promise<LatencyResult> {
  const stack = await benchStack()
  const load = new LoadGenerator(stack)
  try {
    await load.open(opts.sessions, 8)
    await load.steady(opts.steadyMs)
    const perSession = Math.ceil((opts.samples + opts.warmup) / opts.sessions)
    const drive = (operatorShare: number) =>
      load.drive({ messagesPerSession: perSession, operatorShare, concurrency: 1, warmup: opts.warmup })
    const visitorRun = await drive(0)
    const operatorRun = await drive(1)
    await handToSdkFloor(stack)
    const sdkFloor = { visitorRun: await drive(0), operatorRun: await drive(1) }
    const api = (calls: Record<string, number>) => total(calls, (op) => op !== 'token' && !op.includes('→'))
    const bp = (calls: Record<string, number>) => total(calls, (op) => !op.includes('→'))
    return {
      visitorRun,
      operatorRun,
      sdkFloor,
      zohoPerVisitorMessage: api(visitorRun.zohoCalls) / visitorRun.visitor.delivered,
      botpressPerVisitorMessage: bp(visitorRun.botpressCalls) / visitorRun.visitor.delivered,
      botpressPerOperatorMessage: bp(operatorRun.botpressCalls) / operatorRun.operator.delivered,
    }
  } finally {
    load.close()
    await stack.close()
  }
}
