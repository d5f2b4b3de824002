import { execFileSync } from 'node:child_process'

/**
 * The machine has 2 cores. The integration gets one to itself; everything else (emulators, runtime, ingress, load
 * generator — all in this process) shares the other. `taskset -a` pins every thread of a process; threads created
 * later inherit it. Without taskset (or with one core), the others are reniced so the integration wins.
 */
export type Placement = {
  method: 'taskset' | 'nice' | 'none'
  integrationCpu?: number
  othersCpu?: number
  note: string
}

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const cpus = (): number[] => {
  try {
    const list = execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' })
      .split(':')[1]!
      .trim()
    return list.split(',').flatMap((part) => {
      const [a, b] = part.split('-').map(Number)
      return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i)
    })
  } catch {
    return []
  }
}

let placement: Placement | undefined

/** Pins this process (the emulators and the generator) once; returns where integration processes go. */
export function placeSelf(): Placement {
  if (placement) return placement
  const allowed = has('taskset') ? cpus() : []
  if (allowed.length >= 2) {
    const [others, integration] = [allowed[0]!, allowed[allowed.length - 1]!]
    execFileSync('taskset', ['-a', '-cp', String(others), String(process.pid)], { stdio: 'ignore' })
    placement = {
      method: 'taskset',
      othersCpu: others,
      integrationCpu: integration,
      note: `integration process(es) pinned to CPU ${integration}; emulators, runtime and load generator pinned to CPU ${others}`,
    }
  } else if (has('renice')) {
    execFileSync('renice', ['-n', '10', '-p', String(process.pid)], { stdio: 'ignore' })
    placement = {
      method: 'nice',
      note: 'one CPU available: emulators and generator reniced to +10, the integration at 0',
    }
  } else placement = { method: 'none', note: 'no taskset/renice: processes share the CPUs unmanaged' }
  return placement
}

/** Puts an integration (or floor-probe) process on the integration's CPU. */
export function placeIntegration(pid: number): void {
  const p = placeSelf()
  if (p.method === 'taskset')
    execFileSync('taskset', ['-a', '-cp', String(p.integrationCpu), String(pid)], { stdio: 'ignore' })
  if (p.method === 'nice') execFileSync('renice', ['-n', '0', '-p', String(pid)], { stdio: 'ignore' })
}
