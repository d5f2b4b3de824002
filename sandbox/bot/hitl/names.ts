/**
 * The names the HITL plugin gives its data, as seen from outside the plugin (contract §4): a plugin's states,
 * tags, events and actions are prefixed with its alias and `#` by the SDK.
 */
export const PLUGIN_ALIAS = 'hitl'
/** The bot's alias of the integration that implements the `hitl` interface. */
export const HITL_INTEGRATION = 'zoho-salesiq-hitl'
/** The integration's own alias of the interface it implements (its definition's `interfaces` key). */
export const HITL_INTERFACE_ALIAS = 'hitl<salesiqSession>'

const own = (name: string) => `${PLUGIN_ALIAS}#${name}`

export const STATE = {
  hitl: own('hitl'), // {hitlActive} on both conversations
  effectiveSessionConfig: own('effectiveSessionConfig'), // the session's configuration, on the upstream one
} as const

export const TAG = {
  downstream: own('downstream'), // upstream conversation → hitl conversation; upstream user → downstream user
  upstream: own('upstream'), // hitl conversation → upstream conversation; downstream user → upstream user
  humanAgentId: own('humanAgentId'),
  humanAgentName: own('humanAgentName'),
  startMessageId: own('startMessageId'),
  hitlEndReason: own('hitlEndReason'),
  name: own('name'), // user tags the plugin reads for createUser
  email: own('email'),
} as const

export const EVENT = {
  humanAgentAssignedTimeout: own('humanAgentAssignedTimeout'),
  continueWorkflow: own('continueWorkflow'),
} as const

export const ACTION = {
  startHitl: own('startHitl'),
  createUser: `${HITL_INTEGRATION}:createUser`,
  startHitlOfIntegration: `${HITL_INTEGRATION}:startHitl`,
  stopHitl: `${HITL_INTEGRATION}:stopHitl`,
  webchatGetOrCreateUser: 'webchat:getOrCreateUser',
} as const

export const END_REASON = {
  agentClosedTicket: 'agent-closed-ticket',
  patientUsedTerminationCommand: 'patient-used-termination-command',
  agentAssignmentTimeout: 'agent-assignment-timeout',
  sessionBroken: 'internal-error',
} as const
