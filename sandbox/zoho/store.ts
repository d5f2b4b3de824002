import type {
  AccessToken,
  App,
  AuthCode,
  Conversation,
  Department,
  FailedExecution,
  OAuthClient,
  OfflineMessage,
  Operator,
  RefreshToken,
  StoredFile,
  Visitor,
  Webhook,
} from './model'

/** Digit that tells the kind of a numeric id apart (ids look like Zoho's 17-digit numeric strings). */
const KIND_DIGIT = {
  app: 1,
  department: 2,
  operator: 3,
  visitor: 4,
  conversation: 5,
  webhook: 6,
  key: 7,
  message: 8,
  execution: 9,
} as const
export type IdKind = keyof typeof KIND_DIGIT
const ID_PREFIX = '7100000000'

export function numericId(kind: IdKind, n: number): string {
  return `${ID_PREFIX}${KIND_DIGIT[kind]}${String(n).padStart(6, '0')}`
}

/**
 * All emulator state: plain Maps plus the secondary indexes, kept in step by the few helpers below
 * (the firebase auth-emulator shape). Everything is dropped and re-seeded on reset.
 */
export class ZohoStore {
  readonly clients = new Map<string, OAuthClient>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly codes = new Map<string, AuthCode>()
  readonly apps = new Map<string, App>()
  readonly departments = new Map<string, Department>()
  readonly operators = new Map<string, Operator>()
  readonly visitors = new Map<string, Visitor>()
  readonly visitorsByUserId = new Map<string, string>()
  readonly conversations = new Map<string, Conversation>()
  readonly conversationsByHexId = new Map<string, string>()
  readonly files = new Map<string, StoredFile>()
  readonly filesByKey = new Map<string, string>()
  readonly webhooks = new Map<string, Webhook>()
  readonly executions = new Map<string, FailedExecution>()
  /** Offline messages, oldest first. */
  readonly offlineMessages: OfflineMessage[] = []
  /** Token-endpoint throttle window per refresh token. */
  readonly throttle = new Map<string, { windowStart: number; count: number }>()
  /** Token requests per refresh token since the last reset (for /_emulator/tokens/stats). */
  readonly tokenRequests = new Map<string, number>()
  /** Every POST /oauth/v2/token, granted or refused (throttled, bad client, unknown token…). */
  tokenEndpointCalls = 0
  private readonly counters = new Map<IdKind, number>()

  nextId(kind: IdKind): string {
    const n = (this.counters.get(kind) ?? 0) + 1
    this.counters.set(kind, n)
    return numericId(kind, n)
  }

  /** Seed ids are fixed; later generated ids continue after them. */
  reserveIds(kind: IdKind, upTo: number): void {
    this.counters.set(kind, Math.max(this.counters.get(kind) ?? 0, upTo))
  }

  addVisitor(v: Visitor): void {
    this.visitors.set(v.id, v)
    this.visitorsByUserId.set(v.userId, v.id)
  }

  visitorByUserId(userId: string): Visitor | undefined {
    const id = this.visitorsByUserId.get(userId)
    return id ? this.visitors.get(id) : undefined
  }

  addConversation(c: Conversation): void {
    this.conversations.set(c.id, c)
    this.conversationsByHexId.set(c.visitorConversationId, c.id)
  }

  /** Visitor v2 paths may carry the 32-hex visitor conversation id instead of the numeric conversation_id. */
  findConversation(id: string): Conversation | undefined {
    return this.conversations.get(id) ?? this.conversations.get(this.conversationsByHexId.get(id) ?? '')
  }

  addFile(f: StoredFile): void {
    this.files.set(f.id, f)
    this.filesByKey.set(f.key, f.id)
  }

  fileByKey(key: string): StoredFile | undefined {
    return this.files.get(this.filesByKey.get(key) ?? '')
  }

  accessTokensOf(refreshToken: string): AccessToken[] {
    return [...this.accessTokens.values()].filter((t) => t.refreshToken === refreshToken)
  }

  activeChatsOf(operatorId: string): number {
    return [...this.conversations.values()].filter((c) => c.state === 'connected' && c.attenderId === operatorId).length
  }
}
