import type { Stack } from '../../sandbox/stack'
import { waitFor } from './helpers'

export type ChatMessage = {
  id: string
  type: string
  payload: Record<string, any>
  author: 'visitor' | 'bot' | 'agent'
  authorName: string
  createdAt: string
  /** Why the integration refused the copy of this visitor message that the bot relayed to the agent. */
  failed?: string
}
export type ChatView = {
  messages: ChatMessage[]
  status: { status: 'bot' | 'waiting' | 'agent'; agentName?: string; hitlConversationId?: string }
}

/** An end user on the sandbox page's API (what the page itself calls). */
export class Visitor {
  userId = ''
  conversationId = ''
  constructor(
    private readonly stack: Stack,
    readonly name: string
  ) {}

  private async post(path: string, body: unknown) {
    const res = await fetch(`${this.stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`)
    return res.json()
  }

  async start(email?: string) {
    const r = await this.post('/api/visitors', { name: this.name, email })
    this.userId = r.userId
    this.conversationId = r.conversationId
    return this
  }

  say(text: string) {
    return this.post(`/api/visitors/${this.conversationId}/messages`, { userId: this.userId, text })
  }

  async sendFile(name: string, bytes: Buffer, contentType: string) {
    const form = new FormData()
    form.append('file', new Blob([bytes as BlobPart], { type: contentType }), name)
    const res = await fetch(`${this.stack.url}/api/visitors/${this.conversationId}/files?userId=${this.userId}`, {
      method: 'POST',
      body: form,
    })
    if (!res.ok) throw new Error(`file upload → ${res.status}: ${await res.text()}`)
    return res.json()
  }

  async view(): Promise<ChatView> {
    const res = await fetch(`${this.stack.url}/api/visitors/${this.conversationId}`)
    return res.json() as Promise<ChatView>
  }

  /** Waits until a message matching `match` is in the chat, and returns it. */
  waitForMessage(what: string, match: (m: ChatMessage) => boolean, timeoutMs = 15_000) {
    return waitFor(what, async () => (await this.view()).messages.find(match), timeoutMs)
  }

  waitForStatus(status: string, timeoutMs = 15_000) {
    return waitFor(
      `status ${status}`,
      async () => {
        const v = await this.view()
        return v.status.status === status ? v.status : undefined
      },
      timeoutMs
    )
  }
}
