import { BOTPRESS_FLOOR_FOREIGN, BOTPRESS_FLOOR_OPERATOR, type Results } from './figures'
import type { DriveReport } from './load/generator'

/**
 * What `--quick` insists on (CI): nothing lost, duplicated or failed, and API calls at their floors. No timing: the
 * machine may be busy (a timing only says so in the table). One bound that is no call count stays: memory, a leak.
 */
export function sanityProblems(r: Results): string[] {
  const problems: string[] = []
  const runs: Array<[string, DriveReport | undefined]> = [
    ['latency/visitor', r.latency?.visitorRun],
    ['latency/operator', r.latency?.operatorRun],
    ['tokens', r.tokens?.run],
    ['throughput', r.throughput?.run],
    // The floor losing a message would make its figures meaningless (and point at the bench, not the integration).
    ['latency/visitor, SDK floor', r.latency?.sdkFloor.visitorRun],
    ['latency/operator, SDK floor', r.latency?.sdkFloor.operatorRun],
    ['throughput, SDK floor', r.throughput?.sdkFloor.run],
  ]
  for (const [name, run] of runs) {
    if (!run) continue
    for (const d of ['visitor', 'operator'] as const) {
      const t = run[d]
      if (t.lost) problems.push(`${name}: ${t.lost} ${d} message(s) lost`)
      if (t.duplicated) problems.push(`${name}: ${t.duplicated} ${d} message(s) duplicated`)
      if (t.failedReported) problems.push(`${name}: ${t.failedReported} ${d} message(s) failed`)
    }
  }
  const check = (ok: boolean, what: string) => ok || problems.push(what)
  if (r.latency) {
    const { zohoPerVisitorMessage: z, botpressPerOperatorMessage: b } = r.latency
    check(z >= 0.99 && z <= 1.05, `Zoho API calls per visitor message ${z.toFixed(2)} (expected ~1)`)
    // The floor, plus the caches' reads (webhook keys, OAuth state) now and then.
    const floor = BOTPRESS_FLOOR_OPERATOR.calls
    check(b <= floor + 0.2, `Botpress API calls per operator message ${b.toFixed(2)} (floor ${floor})`)
  }
  if (r.tokens)
    check(
      r.tokens.perLifetime <= 2,
      `${r.tokens.perLifetime.toFixed(2)} token requests per token lifetime (a refresh storm?)`
    )
  if (r.throughput) {
    check(r.throughput.memory.afterLoad.rssKb < 512 * 1024, 'integration RSS over 512 MB')
  }
  if (r.foreign) {
    // The key cache's read (once per instance and minute) rides on the first deliveries: a little over 1.
    const { first, repeated, repeatAfterMs, chats } = r.foreign
    const floor = BOTPRESS_FLOOR_FOREIGN.repeated(repeatAfterMs, chats, repeated.deliveries)
    check(
      first.perDelivery <= 1.1,
      `${first.perDelivery.toFixed(2)} Botpress calls per first foreign delivery (floor 1)`
    )
    check(
      repeated.perDelivery <= floor + 0.05,
      `${repeated.perDelivery.toFixed(2)} Botpress calls per repeated foreign delivery (floor ${floor})`
    )
  }
  for (const w of r.wholePath ?? [])
    check(!w.duplicated, `whole path at ${w.botApiLatencyMs} ms: ${w.duplicated} message(s) duplicated`)
  return problems
}
