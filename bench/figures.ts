import type { Summary } from './load/stats'
import { total } from './load/calls'
import { round } from './load/stats'
import type { ColdStartResult } from './phases/cold-start'
import type { ForeignResult } from './phases/foreign'
import type { LatencyResult } from './phases/latency'
import type { ThroughputResult } from './phases/throughput'
import type { TokenResult } from './phases/tokens'
import type { WholePathResult } from './phases/whole-path'

export type Figure = {
  key: string
  figure: string
  value: number
  unit: string
  floor?: number
  floorIs: string
  ratio?: number
}

/** The fewest Botpress API calls an operator message needs: find the hitl conversation by chat id, create the message. */
export const BOTPRESS_FLOOR_OPERATOR = { calls: 2, names: 'listConversations(tags.chatId) + getOrCreateMessage' }

const fig = (
  key: string,
  figure: string,
  value: number,
  unit: string,
  floor: number | undefined,
  floorIs: string
): Figure => ({
  key,
  figure,
  value: round(value),
  unit,
  floor: floor === undefined ? undefined : round(floor),
  floorIs,
  ratio: floor ? round(value / floor) : undefined,
})

export type Results = {
  floor?: Summary
  latency?: LatencyResult
  tokens?: TokenResult
  throughput?: ThroughputResult
  coldStart?: ColdStartResult
  wholePath?: WholePathResult[]
  foreign?: ForeignResult
}

/**
 * A SalesIQ chat this bot never opened (issue #14.5): one lookup tells it is not ours. While it is young it may still
 * be one a startHitl is mapping (the integration gives that 30 s), so a repeat costs that lookup again; an older
 * chat is known not to be ours: nothing.
 */
export const BOTPRESS_FLOOR_FOREIGN = {
  first: 1,
  /**
   * A chat is known to be foreign from its first sighting after the 30 s grace: that sighting still costs the lookup
   * (one per chat and instance; the bench runs one instance), every later one nothing.
   */
  repeated: (afterMs: number, chats: number, deliveries: number) =>
    afterMs > 30_000 ? round(chats / Math.max(1, deliveries), 2) : 1,
}

export function figures(r: Results): Figure[] {
  const out: Figure[] = []
  const sdk = 'SDK-only integration, same sessions, same run'
  if (r.latency) {
    const v = r.latency.visitorRun.visitor.latency
    const o = r.latency.operatorRun.operator.latency
    const fv = r.latency.sdkFloor.visitorRun.visitor.latency
    const fo = r.latency.sdkFloor.operatorRun.operator.latency
    out.push(fig('visitorP50', `visitor → operator p50 (n=${v.n})`, v.p50, 'ms', fv.p50, `${sdk}, p50`))
    out.push(fig('visitorP99', `visitor → operator p99`, v.p99, 'ms', fv.p99, `${sdk}, p99`))
    out.push(fig('operatorP50', `operator → visitor p50 (n=${o.n})`, o.p50, 'ms', fo.p50, `${sdk}, p50`))
    out.push(fig('operatorP99', `operator → visitor p99`, o.p99, 'ms', fo.p99, `${sdk}, p99`))
  }
  if (r.floor) {
    const rtt = 'one bare HTTP round trip to the emulator'
    out.push(fig('roundTripP50', `for scale: ${rtt}, p50 (n=${r.floor.n})`, r.floor.p50, 'ms', undefined, '—'))
    out.push(fig('roundTripP99', `for scale: ${rtt}, p99`, r.floor.p99, 'ms', undefined, '—'))
  }
  if (r.latency) {
    out.push(
      fig(
        'zohoPerVisitor',
        'Zoho API calls per relayed visitor message',
        r.latency.zohoPerVisitorMessage,
        'calls',
        1,
        '1 (the send)'
      )
    )
    out.push(
      fig(
        'botpressPerVisitor',
        'Botpress API calls per relayed visitor message',
        r.latency.botpressPerVisitorMessage,
        'calls',
        0,
        '0 (message_created carries the conversation)'
      )
    )
    out.push(
      fig(
        'botpressPerOperator',
        'Botpress API calls per relayed operator message',
        r.latency.botpressPerOperatorMessage,
        'calls',
        BOTPRESS_FLOOR_OPERATOR.calls,
        `${BOTPRESS_FLOOR_OPERATOR.calls}: ${BOTPRESS_FLOOR_OPERATOR.names}`
      )
    )
  }
  if (r.tokens) {
    const t = r.tokens
    out.push(
      fig(
        'tokensPerLifetime',
        `token requests per token lifetime (${t.lifetimeSec} s tokens, ${round(t.lifetimes, 1)} lifetimes, ${t.instances} instances)`,
        t.perLifetime,
        'requests',
        1,
        '1'
      )
    )
  }
  if (r.throughput) {
    const t = r.throughput
    const lost = t.run.visitor.lost + t.run.operator.lost
    const dup = t.run.visitor.duplicated + t.run.operator.duplicated
    out.push(
      fig(
        'throughput',
        // Held-back operator messages cost more than the 2 calls: above 2, the run did not start at steady state.
        `sustained relayed msgs/s, ${t.sessions} sessions, ${t.concurrency} in flight (lost ${lost}, duplicated ${dup}; ${round(total(t.run.botpressCalls, (op) => !op.includes('→')) / t.run.operator.delivered)} Botpress calls per operator message)`,
        t.run.deliveredPerSec,
        'msg/s',
        t.sdkFloor.run.deliveredPerSec,
        `${sdk} (lost ${t.sdkFloor.run.visitor.lost + t.sdkFloor.run.operator.lost}, duplicated ${t.sdkFloor.run.visitor.duplicated + t.sdkFloor.run.operator.duplicated})`
      )
    )
    out.push(
      fig(
        'integrationCpu',
        `integration CPU per relayed message (its core ${round(t.cpu.integration * 100, 0)} % busy; one core would carry ${Math.round(t.integrationBoundMsgPerSec)} msg/s)`,
        t.integrationCpuMsPerMessage,
        'ms',
        t.sdkFloor.cpuMsPerMessage,
        `${sdk} (its core ${round(t.sdkFloor.cpu * 100, 0)} % busy)`
      )
    )
    out.push(
      fig(
        'rss',
        `integration RSS with ${t.sessions} open sessions, after the load`,
        t.memory.afterLoad.rssKb / 1024,
        'MB',
        t.memory.idle.rssKb / 1024,
        'idle RSS'
      )
    )
  }
  if (r.throughput?.heap.afterLoad && r.throughput.heap.idle) {
    const h = r.throughput.heap
    out.push(
      fig(
        'heap',
        `integration heap after a forced GC, ${r.throughput.sessions} open sessions`,
        h.afterLoad!.heapUsedMb,
        'MB',
        h.idle!.heapUsedMb,
        'idle heap after GC'
      )
    )
  }
  if (r.foreign) {
    const f = r.foreign
    out.push(
      fig(
        'foreignFirst',
        `Botpress API calls per foreign delivery, first (${f.chats} website chats opened and assigned, ${f.first.deliveries} deliveries)`,
        f.first.perDelivery,
        'calls',
        BOTPRESS_FLOOR_FOREIGN.first,
        '1: listConversations(tags.chatId) finds nothing'
      )
    )
    out.push(
      fig(
        'foreignRepeated',
        `Botpress API calls per foreign delivery, repeated (the same chats' assignment ${round(f.repeatAfterMs / 1000, 0)} s after they opened, ${f.repeated.deliveries} deliveries)`,
        f.repeated.perDelivery,
        'calls',
        BOTPRESS_FLOOR_FOREIGN.repeated(f.repeatAfterMs, f.chats, f.repeated.deliveries),
        f.repeatAfterMs > 30_000
          ? '1 for the first sighting of each chat after 30 s, then 0: the chat is known not to be ours'
          : '1: a chat under 30 s old may be one a startHitl is still mapping'
      )
    )
  }
  for (const w of r.wholePath ?? []) {
    const at = `${w.botApiLatencyMs} ms per bot→API call`
    const v = r.latency?.visitorRun.visitor.endToEnd
    const o = r.latency?.operatorRun.operator.endToEnd
    const alone = (what: string) => (r.latency ? `integration alone, ${what} (latency phase)` : '—')
    const k = `path${w.botApiLatencyMs}`
    out.push(
      fig(
        `${k}VisitorP50`,
        `whole path visitor → operator through the bot, p50 (${at}, n=${w.visitor.n})`,
        w.visitor.p50,
        'ms',
        v?.p50,
        alone('bot message → SalesIQ, p50')
      )
    )
    out.push(
      fig(`${k}VisitorP99`, `whole path visitor → operator, p99 (${at})`, w.visitor.p99, 'ms', v?.p99, alone('p99'))
    )
    out.push(
      fig(
        `${k}OperatorP50`,
        `whole path operator → visitor through the bot, p50 (${at}, n=${w.operator.n})`,
        w.operator.p50,
        'ms',
        o?.p50,
        alone('operator reply → hitl conversation, p50')
      )
    )
    out.push(
      fig(`${k}OperatorP99`, `whole path operator → visitor, p99 (${at})`, w.operator.p99, 'ms', o?.p99, alone('p99'))
    )
    const c = w.calls
    out.push(
      fig(
        `${k}CallsVisitor`,
        `Botpress calls per visitor message, whole path (${at}): the bot's (the integration's: ${round(c.visitor.integration)})`,
        c.visitor.bot,
        'calls',
        undefined,
        '—'
      )
    )
    out.push(
      fig(
        `${k}CallsOperator`,
        `Botpress calls per operator message, whole path (${at}): the bot's (the integration's: ${round(c.operator.integration)})`,
        c.operator.bot,
        'calls',
        undefined,
        '—'
      )
    )
    const { eager, later } = w.activation
    const steady = 'an operator message in steady state (above), p50'
    const active = (m: Summary | undefined) => (m ? `; accepting once the session is active: ${round(m.p50)} ms` : '')
    out.push(
      fig(
        `${k}Joined`,
        `"agent joined" shown after the operator accepts the moment the chat appears (${at}, n=${eager.joined.n}, p50${active(later?.joined)})`,
        eager.joined.p50,
        'ms',
        w.operator.p50,
        steady
      )
    )
    out.push(
      fig(
        `${k}FirstReply`,
        `first reply shown, sent right after that accept (${at}, p50${active(later?.firstReply)})`,
        eager.firstReply.p50,
        'ms',
        w.operator.p50,
        steady
      )
    )
    const least = (m: Summary | undefined) => (m ? `; accepting once active: ${round(m.p50)} ms` : '')
    out.push(
      fig(
        `${k}HeldBeyondActive`,
        `hitlAssigned due after it could be (the accept, or the plugin's activation if later) (${at}, p50${least(later?.heldBeyondActive)})`,
        eager.heldBeyondActive.p50,
        'ms',
        undefined,
        '—'
      )
    )
    out.push(
      fig(
        `${k}HeldBeyondAgent`,
        `first reply due after it could be (sent, or the plugin storing its author as the agent if later) (${at}, p50${least(later?.heldBeyondAgent)})`,
        eager.heldBeyondAgent.p50,
        'ms',
        undefined,
        '—'
      )
    )
  }
  if (r.coldStart) {
    const c = r.coldStart
    out.push(
      fig(
        'bundle',
        'bundle size (.botpress/dist/index.cjs)',
        c.bundleBytes / 1024,
        'KiB',
        c.sdkOnlyBytes / 1024,
        'SDK-only bundle'
      )
    )
    out.push(
      fig(
        'coldStart',
        `cold start: spawn → bundle loaded → first request (median of ${c.runs})`,
        c.coldStartMs,
        'ms',
        c.sdkOnlyColdStartMs,
        'SDK-only integration'
      )
    )
    out.push(fig('bundleLoad', 'of which require(bundle)', c.loadMs, 'ms', c.sdkOnlyLoadMs, 'SDK-only require'))
  }
  return out
}

export function table(list: Figure[]): string {
  const rows = [
    ['figure', 'value', 'floor', 'ratio', 'floor is'],
    ...list.map((f) => [
      f.figure,
      `${f.value} ${f.unit}`,
      f.floor === undefined ? '—' : `${f.floor} ${f.unit}`,
      f.ratio === undefined ? '—' : `×${f.ratio}`,
      f.floorIs,
    ]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}
