/**
 * Message texts with a unique id inside, so each side can tell which message arrived (and how many times). The mix is
 * what people type in a support chat: short lines, questions, a long paragraph now and then, emoji, accents, markdown.
 */
const VISITOR = [
  'Hi, where is my order? {id}',
  'I was charged twice for {id} — can you check?',
  'ok {id}',
  'Merci beaucoup 👍 {id}',
  'Here is the tracking number: 1Z999AA10123456784 ({id})',
  '*Still* waiting… the app says "processing" since Monday {id}',
  'Could you please explain why my account was suspended? I have been a customer for years and never had a problem. ' +
    'I tried to log in this morning and got an error saying my account is locked. I reset my password twice. {id} ' +
    'Nothing works. I need access today because my invoices are due. Thanks for your help, this is urgent.',
]
const OPERATOR = [
  'Hello! Let me check that for you. {id}',
  'Thanks for waiting {id}',
  'Could you share your order number? {id}',
  'I have refunded the duplicate charge; it shows in 3–5 days. {id}',
  'Done ✅ {id}',
  'I understand. I have escalated this to our billing team with all the details you gave me, and they will contact ' +
    'you by email within 24 hours. Your reference is {id}. Is there anything else I can help you with today?',
]

export type Direction = 'visitor' | 'operator'

const ID = /lg_([a-z0-9]+)_(\d+)/

/** One run's ids: `lg_<tag>_<n>`; texts of other runs (or other generators) are not ours. */
export class TextIds {
  readonly tag = Math.random().toString(36).slice(2, 7)

  id(n: number): string {
    return `lg_${this.tag}_${n}`
  }

  /** The text for message `n` in one direction. */
  text(direction: Direction, n: number): string {
    const list = direction === 'visitor' ? VISITOR : OPERATOR
    return list[n % list.length]!.replace('{id}', this.id(n))
  }

  /** The id of this run inside a text, or undefined. */
  find(text: unknown): string | undefined {
    if (typeof text !== 'string') return undefined
    const m = ID.exec(text)
    return m && m[1] === this.tag ? m[0] : undefined
  }
}
