import { total } from '../load/calls'
import { LoadGenerator, type DriveReport } from '../load/generator'
import { sleep } from '../load/generator'
import { benchStack } from '../stack'

export type LatencyResult = {
  visitorRun: DriveReport
  operatorRun: DriveReport
  zohoPerVisitorMessage: number
  botpressPerOperatorMessage: number
  botpressPerVisitorMessage: number
}

/**
 * One message at a time (no queueing), each direction on its own so that the API calls of a run belong to that
 * direction: `samples` measured messages after `warmup` unmeasured ones, spread over `sessions` open sessions.
 */
export async function latencyPhase(opts: {
  sessions: number
  samples: number
  warmup: number
}): Promise<LatencyResult> {
  const stack = await benchStack()
  const load = new LoadGenerator(stack)
  try {
    await load.open(opts.sessions, 8)
    await sleep(1000) // let the assignment webhooks of the new chats pass
    const perSession = Math.ceil((opts.samples + opts.warmup) / opts.sessions)
    const drive = (operatorShare: number) =>
      load.drive({ messagesPerSession: perSession, operatorShare, concurrency: 1, warmup: opts.warmup })
    const visitorRun = await drive(0)
    const operatorRun = await drive(1)
    const api = (calls: Record<string, number>) => total(calls, (op) => op !== 'token' && !op.includes('→'))
    const bp = (calls: Record<string, number>) => total(calls, (op) => !op.includes('→'))
    return {
      visitorRun,
      operatorRun,
      zohoPerVisitorMessage: api(visitorRun.zohoCalls) / visitorRun.visitor.delivered,
      botpressPerVisitorMessage: bp(visitorRun.botpressCalls) / visitorRun.visitor.delivered,
      botpressPerOperatorMessage: bp(operatorRun.botpressCalls) / operatorRun.operator.delivered,
    }
  } finally {
    load.close()
    await stack.close()
  }
}
