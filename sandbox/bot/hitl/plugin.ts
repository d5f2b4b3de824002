import * as sdk from '@botpress/sdk'
import type { Message, Props } from './api'
import { onAssignmentTimeout, onHitlAssigned, onHitlStopped } from './events'
import { beforeIncomingMessage } from './incoming-message'
import { startHitl, type StartHitlInput } from './start-hitl'

/**
 * The plugin-like HITL part of the sandbox bot, as an `sdk.Plugin`: the SDK routes `hitl#startHitl` to its action,
 * gives it every incoming message first (a hook that can stop it), and resolves the integration's events
 * (`zoho-salesiq-hitl:hitlAssigned`) to the interface's (`hitl:hitlAssigned`) through the bot's wiring.
 * Its configuration is the bot's configuration header (x-bp-configuration), read in each handler.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the plugin has no generated types to check against
type AnyHandler = (props: any) => Promise<any>

export const hitlPlugin = new sdk.Plugin({
  actions: {
    startHitl: ((props: Props & { input: StartHitlInput }) => startHitl(props)) as AnyHandler,
  },
})

hitlPlugin.on.beforeIncomingMessage('*', ((props: Props & { data: Message }) =>
  beforeIncomingMessage(props)) as AnyHandler)
hitlPlugin.on.beforeIncomingEvent('hitl:hitlAssigned', onHitlAssigned as AnyHandler)
hitlPlugin.on.beforeIncomingEvent('hitl:hitlStopped', onHitlStopped as AnyHandler)
hitlPlugin.on.beforeIncomingEvent('humanAgentAssignedTimeout', onAssignmentTimeout as AnyHandler)
