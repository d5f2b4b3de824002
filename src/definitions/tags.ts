/** Remote ids live in tags, so any instance finds the right user or conversation with one lookup. */
export const userTags = {
  visitorId: {
    title: 'SalesIQ visitor user_id',
    description: 'Stable visitor.user_id sent to SalesIQ for this end user',
  },
  email: { title: 'Email', description: 'Email of the end user, when a real one is known' },
  operatorId: {
    title: 'SalesIQ operator ID',
    description: 'Set on users that represent a SalesIQ operator (only they carry it: operators are keyed by it)',
  },
  operatorEmail: { title: 'SalesIQ operator email', description: 'Email of the operator' },
  role: { title: 'Role', description: 'visitor, operator or system' },
  noticeUser: {
    title: 'Notice user',
    description: 'Set on the one user that writes the opt-in notices (keyed apart from operators)',
  },
} as const

export const conversationTags = {
  chatId: { title: 'SalesIQ conversation ID', description: 'Numeric conversation_id of the SalesIQ chat' },
  visitorChatId: { title: 'SalesIQ visitor conversation ID', description: 'Hex id of the chat on the visitor side' },
  userId: { title: 'Botpress end user ID', description: 'The Botpress user the chat was opened for' },
  openedAt: { title: 'Opened at', description: 'Epoch ms when startHitl mapped the chat' },
  handedOverAt: {
    title: 'Handed over at',
    description: 'Epoch ms when startHitl returned the conversation to the plugin',
  },
  pluginLinkedAt: {
    title: 'Plugin linked at',
    description:
      "Epoch ms when the HITL plugin linked this conversation (hitl#upstream): measures the bot's API latency",
  },
  operatorId: { title: 'Current operator ID', description: 'SalesIQ operator currently assigned' },
  assignedAt: { title: 'Assigned at', description: 'SalesIQ event_time of the latest assignment handled' },
  endedAt: {
    title: 'Ended at',
    description: 'Epoch ms when SalesIQ ended the chat (late operator messages are then checked against the catch-up)',
  },
  assignmentDueAt: {
    title: 'Assignment due at',
    description:
      'Epoch ms when the latest hitlAssigned reaches the bot (operator messages are held back until after it)',
  },
} as const

export const messageTags = {
  zohoMessageId: {
    title: 'SalesIQ message ID',
    description: 'msgid of the operator message (deduplicates redeliveries)',
  },
  zohoEventKey: {
    title: 'SalesIQ event key',
    description: 'event + entity_id + event_time of the webhook that made the message',
  },
  zohoMessageDigest: {
    title: 'SalesIQ message digest',
    description: 'Hash of the text and file names of the operator message (recognises it under another id)',
  },
} as const
