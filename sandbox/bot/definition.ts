import * as sdk from '@botpress/sdk'
import integrationDefinition from '../../integration.definition'
import hitlInterface from '../../interfaces/hitl'
import { HITL_INTEGRATION, HITL_INTERFACE_ALIAS, PLUGIN_ALIAS } from './hitl/names'

/**
 * What `bp build` would know about the sandbox bot: the integration, and the HITL plugin wired to its `hitl`
 * interface. `addPlugin` resolves the wiring the plugin needs at run time (which integration alias backs the
 * interface, and its action/event names); index.ts hands that to the plugin, as bp's generated code does.
 */
const { z } = sdk

const text = () => z.string().optional()

export const hitlPluginDefinition = new sdk.PluginDefinition({
  name: 'hitl',
  version: '1.3.0',
  configuration: {
    schema: z.object({
      onHitlHandoffMessage: text(),
      onHumanAgentAssignedMessage: text(),
      onHitlStoppedMessage: text(),
      onUserHitlCancelledMessage: text(),
      onIncompatibleMsgTypeMessage: text(),
      onUserHitlCloseMessage: text(),
      onAgentAssignedTimeoutMessage: text(),
      userHitlCloseCommand: text(),
      agentAssignedTimeoutSeconds: z.number().min(0).optional(),
      useHumanAgentInfo: z.boolean().optional(),
      flowOnHitlStopped: z.boolean().optional(),
    }),
  },
  interfaces: { hitl: hitlInterface },
  states: {
    hitl: { type: 'conversation', schema: z.object({ hitlActive: z.boolean() }) },
    effectiveSessionConfig: { type: 'conversation', schema: z.object({}).passthrough() },
  },
  events: {
    humanAgentAssignedTimeout: {
      schema: z.object({ sessionStartedAt: z.string(), downstreamConversationId: z.string() }),
    },
    continueWorkflow: { schema: z.object({ conversationId: z.string() }) },
  },
  actions: {
    startHitl: {
      input: {
        schema: z.object({
          title: z.string(),
          description: z.string().optional(),
          hitlSession: z.record(z.any()).optional(),
          userId: z.string(),
          userEmail: z.string().optional(),
          conversationId: z.string(),
          configurationOverrides: z.record(z.any()).optional(),
        }),
      },
      output: { schema: z.object({}) },
    },
  },
  user: { tags: { downstream: {}, upstream: {}, name: {}, email: {} } },
  conversation: {
    tags: {
      downstream: {},
      upstream: {},
      humanAgentId: {},
      humanAgentName: {},
      startMessageId: {},
      hitlEndReason: {},
    },
  },
})

/** The demo brain's own states (demo-state.ts). */
const demoStates = {
  awaitingOfflineMessage: { type: 'conversation', schema: z.object({ askedAt: z.string() }) },
  ratingThanked: { type: 'conversation', schema: z.object({ by: z.string() }) },
} as const

export const botDefinition = new sdk.BotDefinition({ states: demoStates })
  .addIntegration(
    {
      type: 'integration',
      name: integrationDefinition.name,
      version: integrationDefinition.version,
      definition: integrationDefinition,
    },
    { alias: HITL_INTEGRATION, enabled: true, configuration: {} }
  )
  .addPlugin(
    {
      type: 'plugin',
      name: hitlPluginDefinition.name,
      version: hitlPluginDefinition.version,
      definition: hitlPluginDefinition,
      implementation: Buffer.from(''), // the implementation is bundled with the bot, not fetched
    },
    {
      alias: PLUGIN_ALIAS,
      configuration: {},
      // (the SDK's generic type also wants every key to fit an integration dependency)
      dependencies: {
        hitl: { integrationAlias: HITL_INTEGRATION, integrationInterfaceAlias: HITL_INTERFACE_ALIAS },
      } as never,
    }
  )
