/**
 * How big each phase is: `full` for the README figures, `quick` for CI (seconds, same checks). `steadyMs`: how long
 * after the last hitlAssigned the runs start (the integration's hold-back for the plugin is over by then; `quick`'s
 * throughput starts earlier, so some of its operator messages are still held back: it checks nothing that this skews).
 */
export const PROFILES = {
  full: {
    floorSamples: 2000,
    latency: { sessions: 50, samples: 2000, warmup: 200, steadyMs: 6000 },
    tokens: { lifetimeSec: 60, lifetimes: 4, intervalMs: 100, instances: 2 },
    throughput: { sessions: 1000, messagesPerSession: 6, concurrency: 64, instances: 1, steadyMs: 6000 },
    coldStartRuns: 7,
    foreign: { chats: 200, repeats: 3, repeatAfterMs: 35_000 },
    wholePath: { latencies: [0, 500, 1000], escalations: 2, later: true, samples: 12, steadyMs: 6000 },
  },
  quick: {
    floorSamples: 100,
    latency: { sessions: 10, samples: 60, warmup: 20, steadyMs: 6000 },
    tokens: { lifetimeSec: 2, lifetimes: 3, intervalMs: 50, instances: 2 },
    throughput: { sessions: 60, messagesPerSession: 4, concurrency: 32, instances: 1, steadyMs: 1000 },
    coldStartRuns: 2,
    foreign: { chats: 20, repeats: 2, repeatAfterMs: 0 },
    wholePath: { latencies: [0], escalations: 1, later: false, samples: 10, steadyMs: 1000 },
  },
}
