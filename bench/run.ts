/**
 * `npm run bench` (full, minutes) / `npm run bench -- --quick` (CI, under a minute, exits non-zero when a figure is
 * insane). Runs the built integration (`npm run build` first) against the emulators on 127.0.0.1, prints a table and
 * writes bench/results.json (bench/results.quick.json for --quick). `--only=latency,tokens,throughput,foreign,path,cold` picks phases;
 * `--profile` writes CPU profiles of the integration during the throughput phase (bench/profiles/) and prints a summary.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { placeSelf } from './cpu'
import { figures, table, type Results } from './figures'
import { bareRoundTrip } from './phases/floor'
import { coldStartPhase } from './phases/cold-start'
import { foreignPhase } from './phases/foreign'
import { latencyPhase } from './phases/latency'
import { throughputPhase } from './phases/throughput'
import { tokenPhase } from './phases/tokens'
import { wholePathPhases } from './phases/whole-path'
import { machine } from './proc'
import { disableProfiling, enableProfiling, summarizeProfiles } from './profile'
import { PROFILES } from './profiles'
import { buildSdkFloor } from './sdk-floor/swap'
import { sanityProblems } from './sanity'
import { benchStack } from './stack'

async function main() {
  const quick = process.argv.includes('--quick')
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',')
  const want = (phase: string) => !only || only.includes(phase)
  const p = quick ? PROFILES.quick : PROFILES.full
  const placement = placeSelf()
  const started = new Date()
  const log = (s: string) => console.error(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(1)}s] ${s}`)
  log(`${quick ? 'quick' : 'full'} run; ${placement.note}`)

  const r: Results = {}
  const latency = async () => {
    if (!want('latency')) return
    log('floor: bare round trips to the Zoho emulator')
    const stack = await benchStack({ register: false })
    try {
      r.floor = await bareRoundTrip(`${stack.zoho.url}/_emulator/settings`, p.floorSamples)
    } finally {
      await stack.close()
    }
    log(`latency: ${p.latency.samples} messages each way, one at a time`)
    r.latency = await latencyPhase(p.latency)
  }
  const tokens = async () => {
    if (!want('tokens')) return
    log(`tokens: ${p.tokens.lifetimes} lifetimes of ${p.tokens.lifetimeSec} s`)
    r.tokens = await tokenPhase(p.tokens)
  }
  const wholePathRun = async () => {
    if (!want('path')) return
    const { latencies, ...opts } = p.wholePath
    log(`whole path through the sandbox's bot at ${latencies.join(', ')} ms per bot→API call`)
    r.wholePath = await wholePathPhases(latencies, opts)
  }
  // These phases mostly wait (latency: one message at a time, after the sessions' hold-back; tokens: traffic paced to
  // the token lifetime; the whole path: the bot's and the hold-back's delays). --quick runs them side by side to stay
  // short — its timings are then only indicative, which is all it needs; the full run keeps every phase alone.
  if (quick) await Promise.all([latency(), tokens(), wholePathRun()])
  else {
    await latency()
    await tokens()
  }
  if (want('throughput')) {
    log(
      `throughput: ${p.throughput.sessions} sessions × ${p.throughput.messagesPerSession} messages, ${p.throughput.concurrency} in flight`
    )
    const profileDir = process.argv.includes('--profile')
      ? path.join(__dirname, 'profiles', String(Date.now()))
      : undefined
    if (profileDir) enableProfiling(profileDir)
    r.throughput = await throughputPhase(p.throughput)
    disableProfiling()
    if (profileDir) {
      const t = r.throughput
      const floorBundle = await buildSdkFloor()
      for (const [who, pid, bundle] of [
        ['integration', t.pids.ours, undefined],
        ['SDK-only floor', t.pids.sdkFloor, floorBundle],
      ] as const) {
        const summary = summarizeProfiles(profileDir, { pids: [pid], bundle })
        const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`
        log(
          `${who} CPU profile (${profileDir}/${pid}.cpuprofile), ${summary.totalMs.toFixed(0)} ms busy (+${summary.idleMs.toFixed(0)} ms idle) sampled; self time:`
        )
        console.error(`  ${pct(summary.underOursMs)}  with our code on the stack (inclusive: what it calls too)`)
        console.error('  by owner of the frame:')
        for (const [owner, ms] of summary.byOwner) console.error(`  ${pct(ms)}  ${owner}`)
        console.error('  by module:')
        for (const [where, ms] of summary.byModule) console.error(`  ${pct(ms)}  ${where}`)
        console.error('  by function:')
        for (const [fn, ms] of summary.byFunction) console.error(`  ${pct(ms)}  ${fn}`)
      }
    }
  }
  if (want('foreign')) {
    log(`foreign chats: ${p.foreign.chats} website chats, each assignment delivered ${p.foreign.repeats} more times`)
    r.foreign = await foreignPhase(p.foreign)
  }
  if (!quick) await wholePathRun()
  if (want('cold')) {
    log('cold start and bundle size')
    r.coldStart = await coldStartPhase(p.coldStartRuns)
  }

  const list = figures(r)
  const problems = sanityProblems(r)
  console.log(table(list))
  const out = path.join(__dirname, quick ? 'results.quick.json' : 'results.json')
  const json = {
    mode: quick ? 'quick' : 'full',
    startedAt: started.toISOString(),
    machine: machine(),
    placement,
    profile: p,
    figures: list,
    problems,
    raw: r,
  }
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n')
  log(`wrote ${path.relative(process.cwd(), out)}`)
  if (problems.length) {
    console.error(`\nInsane figures:\n- ${problems.join('\n- ')}`)
    if (quick) process.exitCode = 1
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
