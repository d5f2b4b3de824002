import { fetchPublic } from '../net/public-fetch'
import { hostsFor, type Region } from './regions'
import { salesiqRequest, type Body } from './request'
import type { TokenManager } from './token-manager'
import { isZohoError, ZohoError } from './errors'

export type Envelope<T> = { data: T }

export type OpenConversationInput = {
  appId: string
  departmentId: string
  question: string
  visitor: { user_id: string; name?: string; email?: string; phone?: string }
  customerInfo?: Record<string, string>
  customWaitTimeSec?: number
}

export type OpenedConversation = { chatId: string; visitorChatId?: string; state?: string }

export type WebhookObject = {
  id: string
  url: string
  type?: string
  secured?: boolean | string
  app_ids?: string[]
  events?: string[]
  public_keys?: Array<{ id: string; key: string; created_time?: string | number }>
}

/** Refusals that may mean "this chat is over" (no code is documented for it, A4): the chat's state decides. */
const mayMeanChatOver = (err: unknown) =>
  isZohoError(err, 'conversation_closed') ||
  isZohoError(err, 'scope') ||
  isZohoError(err, 'not_found') ||
  isZohoError(err, 'invalid_request')

/** A conversation object (REST v2) of a chat that is over: ended, missed, or closed however SalesIQ labels it. */
export function isChatOver(data: Record<string, unknown> | undefined): boolean {
  if (!data) return false
  const status = (data.chat_status ?? {}) as Record<string, unknown>
  const key = (v: unknown) => String(v ?? '').toLowerCase()
  return (
    data.end_time !== undefined ||
    data.missed_time !== undefined ||
    key(status.status_key) === 'closed' ||
    ['end', 'ended', 'missed', 'closed'].includes(key(status.state_key)) ||
    ['ended', 'missed', 'closed'].includes(key(data.status))
  )
}
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v))

/** SalesIQ's visitor API v1/v2 and REST API v2 (reference §3–4): one method per call, all through salesiqRequest. */
export class SalesIQClient {
  constructor(
    private readonly tokens: TokenManager,
    private readonly region: Region,
    private readonly screenName: string
  ) {}

  private get host() {
    return hostsFor(this.region).salesiq
  }
  private get screen() {
    return encodeURIComponent(this.screenName)
  }
  private visitorV1(path: string) {
    return `${this.host}/api/visitor/v1/${this.screen}${path}`
  }
  private rest(path: string) {
    return `${this.host}/api/v2/${this.screen}${path}`
  }
  private call<T>(
    operation: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: Body,
    context?: string
  ) {
    return salesiqRequest<T>(this.tokens, { operation, method, url, body, context })
  }

  async openConversation(input: OpenConversationInput): Promise<OpenedConversation> {
    const json: Record<string, unknown> = {
      app_id: input.appId,
      department_id: input.departmentId,
      question: input.question,
      visitor: input.visitor,
    }
    if (input.customerInfo && Object.keys(input.customerInfo).length) json.customer_info = input.customerInfo
    if (input.customWaitTimeSec) json.custom_wait_time = input.customWaitTimeSec
    const res = await this.call<Envelope<Record<string, unknown>>>(
      'opening a conversation',
      'POST',
      this.visitorV1('/conversations'),
      { json },
      ` (app "${input.appId}", department "${input.departmentId}")`
    )
    const data = res?.data ?? {}
    const chatId = str(data.conversation_id) ?? str(data.id)
    if (!chatId) throw new Error('SalesIQ opened a conversation but returned no conversation_id')
    const status = data.chat_status as { state_key?: string } | undefined
    return { chatId, visitorChatId: str(data.id), state: status?.state_key }
  }

  sendVisitorText(chatId: string, text: string) {
    return this.onChat(chatId, () =>
      this.call<void>('sending a visitor message', 'POST', this.visitorV1(`/conversations/${chatId}/messages`), {
        json: { text },
      })
    )
  }

  sendVisitorFile(chatId: string, file: { bytes: Uint8Array; name: string; contentType: string; comment?: string }) {
    const form = new FormData()
    form.append('file', new Blob([file.bytes as BlobPart], { type: file.contentType }), file.name)
    if (file.comment) form.append('comment', file.comment)
    return this.onChat(chatId, () =>
      this.call<void>('sending a visitor file', 'POST', this.visitorV1(`/conversations/${chatId}/messages`), {
        form,
      })
    )
  }

  /** Operator-side close (documented, scope conversations.UPDATE); a chat that is already over is not an error. */
  async closeConversation(chatId: string): Promise<'closed' | 'already-closed'> {
    try {
      await this.onChat(chatId, () =>
        this.call('closing the conversation', 'POST', this.rest(`/conversations/${chatId}/close`))
      )
      return 'closed'
    } catch (err) {
      if (isZohoError(err, 'conversation_closed')) return 'already-closed'
      throw err
    }
  }

  /**
   * Runs a call on one chat. When SalesIQ refuses it, the chat's state tells "already over" (conversation_closed)
   * from a real refusal — never SalesIQ's wording, which is undocumented. If the state cannot be read, the
   * refusal stands.
   */
  private async onChat<T>(chatId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      if (!mayMeanChatOver(err)) throw err
      const over = await this.getConversation(chatId).then(
        (res) => isChatOver(res?.data),
        () => false
      )
      if (!over) throw err
      const e = err as ZohoError
      throw new ZohoError(
        'conversation_closed',
        `The SalesIQ chat ${chatId} is already over (${e.details.operation}).`,
        e.details
      )
    }
  }

  getConversation(chatId: string) {
    return this.call<Envelope<Record<string, unknown>>>(
      'reading a conversation',
      'GET',
      this.rest(`/conversations/${chatId}`)
    )
  }

  /** The chat's messages, oldest first (REST v2; `time` in epoch ms as a string). */
  async listMessages(chatId: string): Promise<Array<Record<string, unknown>>> {
    const res = await this.call<Envelope<Array<Record<string, unknown>>>>(
      'reading the chat messages',
      'GET',
      this.rest(`/conversations/${chatId}/messages`)
    )
    return Array.isArray(res?.data) ? res.data : []
  }

  /** Reads at most one conversation: proves the token may read conversations, changes nothing. */
  probeConversations() {
    return this.call<unknown>('listing conversations', 'GET', `${this.rest('/conversations')}?limit=1`)
  }

  getApp(appId: string) {
    return this.call<Envelope<Record<string, unknown>>>(
      'reading the app',
      'GET',
      this.rest(`/apps/${appId}`),
      undefined,
      ` for app "${appId}"`
    )
  }

  listApps() {
    return this.call<Envelope<Array<Record<string, unknown>>>>('listing apps', 'GET', this.rest('/apps'))
  }

  getDepartment(departmentId: string) {
    return this.call<Envelope<Record<string, unknown>>>(
      'reading the department',
      'GET',
      this.rest(`/departments/${departmentId}`),
      undefined,
      ` for department "${departmentId}"`
    )
  }

  listOperators() {
    return this.call<Envelope<Array<Record<string, unknown>>>>('listing operators', 'GET', this.rest('/operators'))
  }

  /** Waiting chats of a department (REST v2 `status=waiting`), for the waiting queue's length. */
  async listWaitingConversations(departmentId: string): Promise<Array<Record<string, unknown>>> {
    const query = new URLSearchParams({ status: 'waiting', department_id: departmentId, limit: '100' })
    const res = await this.call<Envelope<Array<Record<string, unknown>>>>(
      'listing waiting chats',
      'GET',
      `${this.rest('/conversations')}?${query}`
    )
    return Array.isArray(res?.data) ? res.data : []
  }

  /**
   * Files an offline message (visitor API v2 `leavemessage`). Documented as POST, called with PUT by Zoho's own SDK
   * (A3): the method is the caller's choice; never retried, since a lost answer may still have filed it.
   */
  leaveMessage(method: 'POST' | 'PUT', body: Record<string, unknown>, departmentId: string) {
    return salesiqRequest<Envelope<Record<string, unknown>> | undefined>(this.tokens, {
      operation: 'leaving an offline message',
      method,
      url: `${this.host}/visitor/v2/${this.screen}/conversations/leavemessage`,
      body: { json: body },
      context: ` (department "${departmentId}")`,
      idempotent: false,
    })
  }

  listWebhooks() {
    return this.call<Envelope<WebhookObject[]>>('listing webhooks', 'GET', `${this.rest('/webhooks')}?type=data`)
  }

  createWebhook(body: Record<string, unknown>) {
    return this.call<Envelope<WebhookObject>>('creating the webhook', 'POST', this.rest('/webhooks'), { json: body })
  }

  updateWebhook(id: string, body: Record<string, unknown>) {
    return this.call<Envelope<WebhookObject>>('updating the webhook', 'PUT', this.rest(`/webhooks/${id}`), {
      json: body,
    })
  }

  deleteWebhook(id: string) {
    return this.call<unknown>('deleting the webhook', 'DELETE', this.rest(`/webhooks/${id}`))
  }

  createWebhookKey(id: string) {
    return this.call<Envelope<unknown>>('creating a webhook key', 'POST', this.rest(`/webhooks/${id}/keys`))
  }

  /**
   * Downloads an operator attachment. The OAuth header goes only to the SalesIQ host itself, never along a redirect
   * (a redirect is followed without it, to public addresses only): a URL in a webhook body must never make us hand
   * the token elsewhere. The size limit holds while reading, and `signal` stops the reading when the caller gives up.
   */
  async downloadAttachment(
    url: string,
    maxBytes: number,
    signal?: AbortSignal
  ): Promise<{ bytes: Uint8Array; contentType?: string }> {
    const own = new URL(url).origin === new URL(this.host).origin
    const headers: Record<string, string> = own
      ? { authorization: `Zoho-oauthtoken ${await this.tokens.getAccessToken()}` }
      : {}
    const got = await fetchPublic(url, { maxBytes, timeoutMs: 10_000, headers, signal, trustFirstHost: own })
    if (!got.ok) throw new Error(`the file ${got.reason}`)
    return { bytes: got.bytes, contentType: got.contentType }
  }
}
