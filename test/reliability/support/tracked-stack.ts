import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { startStack, type Stack, type StackOptions } from '../../../sandbox/stack'
import { findSecrets, type Secret } from './secrets'
import { RESULTS_DIR } from './matrix'

/**
 * startStack, plus a record of everything the run shows to anyone: what the integration processes print, every
 * answer they give over the protocol (action errors, webhook answers, OAuth pages), what reached the Botpress API
 * (users, conversations, messages, events, files — not states, where tokens are kept by design), what the operator
 * sees in SalesIQ and what the integration sent there (except to the token endpoint, which needs the secrets), and
 * what this test process printed. `closeAndScan` closes the stack and fails if any secret is in there.
 */
export type Tracked = Stack & { answers: string[]; extra: string[] }

const printed: string[] = []
let hooked = false
function capturePrinting() {
  if (hooked) return
  hooked = true
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof stream.write
  }
}

export async function startTracked(opts: StackOptions = {}): Promise<Tracked> {
  capturePrinting()
  const stack = (await startStack(opts)) as Tracked
  stack.answers = []
  stack.extra = []
  const call = stack.pool.call.bind(stack.pool)
  stack.pool.call = async (operation, body, key) => {
    const answer = await call(operation, body, key)
    stack.answers.push(answer.text)
    return answer
  }
  return stack
}

/** Everything the stack showed, as one text per source. */
export async function outputOf(stack: Tracked): Promise<Record<string, string>> {
  const bot = stack.botpress.dump().bots[stack.identity.botId]
  const visible = bot ? { ...bot, states: undefined } : {}
  const zoho = async (p: string) => (await fetch(`${stack.zoho.url}/_emulator${p}`)).json() as Promise<any>
  const state = await zoho('/state')
  const requests = ((await zoho('/requests')) as Array<{ path: string }>).filter((r) => !r.path.startsWith('/oauth/'))
  return {
    'integration output': stack.pool.output(),
    'protocol answers': stack.answers.join('\n'),
    'Botpress objects': JSON.stringify(visible),
    'SalesIQ conversations': JSON.stringify(state.conversations ?? []),
    'requests to SalesIQ': JSON.stringify(requests),
    'test process output': printed.join(''),
    extra: stack.extra.join('\n'),
  }
}

export function secretsOf(stack: Tracked): Secret[] {
  const states = stack.botpress.dump().bots[stack.identity.botId]?.states ?? []
  const stored = (name: string) => states.find((s) => s.type === 'integration' && s.name === name)?.payload as any
  return [
    { name: 'the client secret', value: String(stack.configuration.clientSecret ?? '') },
    { name: 'the configured refresh token', value: String(stack.configuration.refreshToken ?? '') },
    { name: 'the seeded refresh token', value: stack.zoho.credentials.refreshToken },
    { name: 'the OAuth refresh token', value: String(stored('oauth')?.refreshToken ?? '') },
    { name: 'the stored access token', value: String(stored('accessToken')?.token ?? '') },
  ]
}

/** Closes the stack; throws naming the source and the kind of every secret found in its output. */
export async function closeAndScan(stack: Tracked | undefined): Promise<void> {
  if (!stack) return
  let sources: Record<string, string> = {}
  let secrets: Secret[] = []
  try {
    sources = await outputOf(stack)
    secrets = secretsOf(stack)
  } finally {
    await stack.close()
  }
  const leaks: string[] = []
  let bytes = 0
  for (const [source, text] of Object.entries(sources)) {
    bytes += text.length
    for (const what of findSecrets(text, secrets)) leaks.push(`${what} in ${source}`)
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  appendFileSync(
    path.join(RESULTS_DIR, 'scans.jsonl'),
    `${JSON.stringify({ bytes, leaks: leaks.length, at: Date.now() })}\n`
  )
  if (leaks.length) throw new Error(`Secrets leaked: ${leaks.join('; ')}`)
}
