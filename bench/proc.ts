import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Resident memory of a process from /proc/<pid>/status (kB): now, and its high-water mark. */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') }
}

/** CPU seconds a process has used (user + system, all threads), from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14, 15 of the full line)
  return ticks / 100 // USER_HZ is 100 on Linux
}

export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown'
  let nproc = 0
  try {
    nproc = Number(execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim()) // --all: this process is pinned
  } catch {
    nproc = (cpuinfo.match(/^processor\s*:/gm) ?? []).length
  }
  return { nproc, cpu: model, node: process.version, platform: `${process.platform} ${process.arch}` }
}
