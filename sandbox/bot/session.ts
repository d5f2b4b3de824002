/** One escalation as the bot sees it (the HITL plugin keeps the same in its own states). */
export type SessionStatus = 'starting' | 'waiting' | 'agent' | 'ended'

export type Session = {
  upstreamConversationId: string
  upstreamUserId: string
  downstreamUserId: string
  hitlConversationId?: string
  agentUserId?: string
  agentName?: string
  status: SessionStatus
  assignmentTimer?: NodeJS.Timeout
}

export type BotStatus = { status: 'bot' | SessionStatus; agentName?: string; hitlConversationId?: string }
