import { IntegrationDefinition } from '@botpress/sdk'
import hitl from './interfaces/hitl'
import { getAvailabilityInput, getAvailabilityOutput } from './src/definitions/availability'
import { chatRatedEvent } from './src/definitions/chat-rated'
import { configurationSchema } from './src/definitions/configuration'
import { events } from './src/definitions/events'
import { hitlSessionSchema } from './src/definitions/hitl-session'
import { leaveMessageInput, leaveMessageOutput } from './src/definitions/leave-message'
import { states } from './src/definitions/states'
import { conversationTags, messageTags, userTags } from './src/definitions/tags'

export default new IntegrationDefinition({
  name: 'zoho-salesiq-hitl',
  title: 'Zoho SalesIQ HITL',
  version: '0.1.0',
  description:
    'Hand conversations over to live operators in Zoho SalesIQ, with the bot transcript, files both ways, and automatic setup.',
  icon: 'icon.svg',
  readme: 'hub.md',
  configuration: { schema: configurationSchema },
  states,
  user: { tags: userTags },
  entities: {
    salesiqSession: {
      title: 'SalesIQ session',
      description: 'Options of one escalation to Zoho SalesIQ',
      schema: hitlSessionSchema,
    },
  },
  events: { ...events, chatRated: chatRatedEvent },
  actions: {
    getAvailability: {
      title: 'Get availability',
      description:
        'Before escalating: operators available in a department, business hours, waiting time and the waiting queue ' +
        '(one round of SalesIQ calls, reused for a few seconds per department)',
      input: { schema: getAvailabilityInput },
      output: { schema: getAvailabilityOutput },
    },
    leaveMessage: {
      title: 'Leave a message',
      description:
        "Files SalesIQ's offline message for the visitor (same SalesIQ visitor as their chats) when no operator can chat",
      input: { schema: leaveMessageInput },
      output: { schema: leaveMessageOutput },
    },
  },
  channels: {},
}).extend(hitl, (self) => ({
  entities: { hitlSession: self.entities.salesiqSession },
  channels: {
    hitl: {
      title: 'SalesIQ chat',
      description: 'A live chat between the end user and a SalesIQ operator',
      conversation: { tags: conversationTags },
      message: { tags: messageTags },
    },
  },
}))
