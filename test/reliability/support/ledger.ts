import type { Stack } from '../../../sandbox/stack'
import { waitFor, zoho } from '../../harness/helpers'
import type { Visitor } from '../../harness/visitor'
import { failureNotices, operatorSees } from './session'

export type Tally = {
  sent: number
  delivered: number
  duplicated: number
  lost: number
  told: number
  uncertain: number
}

const count = (list: string[], text: string) => list.filter((t) => t === text).length

/**
 * Bookkeeping of one session's messages in both directions, read from what each side ends up seeing: the visitor's
 * page and the operator's SalesIQ chat. A message is `delivered` (seen once), `duplicated` (seen more than once),
 * `told` (not seen, and its sender was told), `uncertain` (seen once, and its sender was told it may not have
 * arrived — the design's answer to a timeout after sending) or `lost` (not seen, nobody told).
 */
export class Ledger {
  readonly toOperator: string[] = []
  readonly toVisitor: string[] = []
  private n = 0
  constructor(
    private readonly stack: Stack,
    private readonly visitor: Visitor,
    private readonly chatId: string
  ) {}

  private next(prefix: string) {
    return `${prefix} ${this.visitor.name} #${++this.n}`
  }

  async visitorSays(text = this.next('v')) {
    this.toOperator.push(text)
    await this.visitor.say(text)
    return text
  }

  async operatorSays(text = this.next('o')) {
    this.toVisitor.push(text)
    await zoho(this.stack, 'POST', `/conversations/${this.chatId}/reply`, { text })
    return text
  }

  /** Waits until every message is seen or its sender told (or the deadline: what is left counts as lost). */
  async settle(timeoutMs = 30_000) {
    await waitFor(
      'every message seen or reported',
      async () => {
        const t = await this.tally()
        return t.toOperator.lost + t.toVisitor.lost === 0
      },
      timeoutMs
    ).catch(() => undefined)
    // A duplicate may trail the first copy: give redeliveries a moment to show up.
    await new Promise((r) => setTimeout(r, 300))
    return this.tally()
  }

  async tally(): Promise<{ toOperator: Tally; toVisitor: Tally; total: Tally }> {
    const seenByOperator = await operatorSees(this.stack, this.chatId)
    const notices = await failureNotices(this.stack, this.visitor)
    const view = await this.visitor.view()
    const seenByVisitor = view.messages.filter((m) => m.author === 'agent').map((m) => String(m.payload.text ?? ''))
    const toOperator = tallyOf(this.toOperator, seenByOperator, (t) => notices.some((n) => n.failedText === t))
    const toVisitor = tallyOf(this.toVisitor, seenByVisitor, () => false)
    const total = Object.fromEntries(
      Object.keys(toOperator).map((k) => [k, toOperator[k as keyof Tally] + toVisitor[k as keyof Tally]])
    ) as Tally
    return { toOperator, toVisitor, total }
  }
}

function tallyOf(sent: string[], seen: string[], told: (text: string) => boolean): Tally {
  const t: Tally = { sent: sent.length, delivered: 0, duplicated: 0, lost: 0, told: 0, uncertain: 0 }
  for (const text of sent) {
    const n = count(seen, text)
    const wasTold = told(text)
    if (n > 1) t.duplicated++
    else if (n === 1 && wasTold) t.uncertain++
    else if (n === 1) t.delivered++
    else if (wasTold) t.told++
    else t.lost++
  }
  return t
}
