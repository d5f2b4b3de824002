import { redact } from './secrets'

export type Status = 'PASS' | 'WARN' | 'FAIL' | 'SKIP'

/** One step's outcome: what was checked, what was found, and — when it is not a pass — how to fix it. */
export type StepResult = { status: Status; title: string; detail?: string; fix?: string }

export const pass = (title: string, detail?: string): StepResult => ({ status: 'PASS', title, detail })
export const warn = (title: string, detail: string, fix?: string): StepResult => ({
  status: 'WARN',
  title,
  detail,
  fix,
})
export const fail = (title: string, detail: string, fix?: string): StepResult => ({
  status: 'FAIL',
  title,
  detail,
  fix,
})
export const skip = (title: string, detail: string): StepResult => ({ status: 'SKIP', title, detail })

/** Every line goes through redact(): no secret can be printed, whatever a message contains. */
export function printLine(line = ''): void {
  process.stdout.write(`${redact(line)}\n`)
}

export function printStep(step: StepResult): void {
  printLine(`${step.status.padEnd(4)}  ${step.title}`)
  if (step.detail) for (const line of step.detail.split('\n')) printLine(`      ${line}`)
  if (step.fix) printLine(`      Fix: ${step.fix}`)
}

export function summarize(steps: StepResult[], strict: boolean): { line: string; exitCode: number } {
  const count = (s: Status) => steps.filter((x) => x.status === s).length
  const failed = count('FAIL') + (strict ? count('WARN') : 0)
  const line = `${count('PASS')} passed, ${count('WARN')} warning(s), ${count('FAIL')} failed, ${count('SKIP')} skipped — ${
    failed
      ? 'the setup needs fixing (see FAIL above)'
      : count('WARN')
        ? 'nothing failed, but read each WARN above'
        : 'the setup is ready'
  }`
  return { line, exitCode: failed ? 1 : 0 }
}
