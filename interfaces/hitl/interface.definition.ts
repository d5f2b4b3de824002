/**
 * The public `hitl` interface, version 2.1.0, declared here because `bp add` needs the network.
 * Same schema as the published interface (see ../shared/reference/botpress.md §2); users with the real CLI
 * can `bp add hitl` instead (package.json `bpDependencies`).
 */
import { z, messages, InterfaceDefinition } from '@botpress/sdk'

type AnyObject = z.AnyZodObject

const withUserId = <S extends AnyObject>(s: { schema: S }) => ({
  schema: () =>
    s.schema.extend({
      userId: z.string().optional().describe('Allows sending a message pretending to be a certain user'),
      additionalData: z.string().max(500).optional().describe('Additional data sent along with the message'),
    }),
})

const messageSource = z.union([
  z.object({ type: z.literal('user'), userId: z.string() }),
  z.object({ type: z.literal('bot') }),
])

const historyTypes = { ...messages.defaults, markdown: messages.markdown } as Record<string, { schema: AnyObject }>
const historyMessages = Object.entries(historyTypes).map(([type, def]) =>
  z.object({ source: messageSource, type: z.literal(type), payload: def.schema })
) as unknown as [AnyObject, AnyObject, ...AnyObject[]]

export default new InterfaceDefinition({
  name: 'hitl',
  version: '2.1.0',
  entities: {
    hitlSession: {
      title: 'HITL session',
      description: 'A session with a human agent',
      schema: z.object({}),
    },
  },
  events: {
    hitlAssigned: {
      schema: () =>
        z.object({
          conversationId: z
            .string()
            .title('HITL conversation ID')
            .describe('ID of the Botpress conversation of the HITL session'),
          userId: z
            .string()
            .title('Human agent user ID')
            .describe('ID of the Botpress user that represents the human agent'),
        }),
    },
    hitlStopped: {
      schema: () =>
        z.object({
          conversationId: z
            .string()
            .title('HITL conversation ID')
            .describe('ID of the Botpress conversation of the HITL session'),
        }),
    },
  },
  actions: {
    createUser: {
      title: 'Create external user',
      description: 'Create an end user in the external service and in Botpress',
      input: {
        schema: () =>
          z.object({
            name: z.string().title('Display name').describe('Display name of the end user'),
            pictureUrl: z.string().optional().title('Picture URL').describe('URL of the end user avatar'),
            email: z.string().optional().title('Email').describe('Email address of the end user'),
          }),
      },
      output: {
        schema: () => z.object({ userId: z.string().title('Botpress user ID').describe('ID of the Botpress user') }),
      },
    },
    startHitl: {
      title: 'Start new HITL session',
      description: 'Create a new HITL session in the external service',
      input: {
        schema: (entities) =>
          z.object({
            userId: z.string().title('User ID').describe('ID of the Botpress user representing the end user'),
            title: z.string().optional().title('Title').describe('Title of the HITL session'),
            description: z.string().optional().title('Description').describe('Description of the HITL session'),
            hitlSession: entities.hitlSession.optional().title('Extra configuration').describe('Extra session options'),
            messageHistory: z
              .array(z.union(historyMessages))
              .title('Conversation history')
              .describe('Message history to display in the HITL session'),
          }),
      },
      output: {
        schema: () =>
          z.object({
            conversationId: z.string().title('HITL conversation ID').describe('ID of the HITL conversation'),
          }),
      },
    },
    stopHitl: {
      title: 'Stop HITL session',
      description: 'Stop an existing HITL session in the external service',
      input: {
        schema: () =>
          z.object({
            conversationId: z.string().title('HITL conversation ID').describe('ID of the HITL conversation'),
          }),
      },
      output: { schema: () => z.object({}) },
    },
  },
  channels: {
    hitl: {
      messages: {
        text: withUserId(messages.defaults.text),
        image: withUserId(messages.defaults.image),
        audio: withUserId(messages.defaults.audio),
        video: withUserId(messages.defaults.video),
        file: withUserId(messages.defaults.file),
        bloc: withUserId(messages.defaults.bloc),
      },
    },
  },
})
