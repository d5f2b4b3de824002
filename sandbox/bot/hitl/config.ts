import type { TextName } from './texts'

/** The plugin's configuration, with its names (reference/botpress.md §3); every field is optional. */
export type HitlConfig = Partial<Record<TextName, string>> & {
  userHitlCloseCommand?: string
  agentAssignedTimeoutSeconds?: number
  useHumanAgentInfo?: boolean
  flowOnHitlStopped?: boolean
}

export const DEFAULT_CLOSE_COMMAND = '/end'

const TEXT_KEYS: TextName[] = [
  'onHitlHandoffMessage',
  'onHumanAgentAssignedMessage',
  'onHitlStoppedMessage',
  'onUserHitlCancelledMessage',
  'onIncompatibleMsgTypeMessage',
  'onUserHitlCloseMessage',
  'onAgentAssignedTimeoutMessage',
]

/**
 * The configuration as the plugin reads it from an untrusted object (the bot's configuration header, or a
 * session's `configurationOverrides`): known fields of the right type only.
 */
export function readConfig(raw: unknown): HitlConfig {
  const source = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
  const config: HitlConfig = {}
  for (const key of [...TEXT_KEYS, 'userHitlCloseCommand'] as const)
    if (typeof source[key] === 'string') config[key] = source[key] as string
  if (typeof source.agentAssignedTimeoutSeconds === 'number' && source.agentAssignedTimeoutSeconds >= 0)
    config.agentAssignedTimeoutSeconds = source.agentAssignedTimeoutSeconds
  if (typeof source.useHumanAgentInfo === 'boolean') config.useHumanAgentInfo = source.useHumanAgentInfo
  if (typeof source.flowOnHitlStopped === 'boolean') config.flowOnHitlStopped = source.flowOnHitlStopped
  return config
}

/** A session's configuration: the bot's, with the session's overrides on top (saved when the session starts). */
export const sessionConfig = (botConfig: unknown, overrides?: unknown): HitlConfig => ({
  ...readConfig(botConfig),
  ...readConfig(overrides),
})

export const useHumanAgentInfo = (c: HitlConfig) => c.useHumanAgentInfo ?? true
export const flowOnHitlStopped = (c: HitlConfig) => c.flowOnHitlStopped ?? true
/** Off (0) unless configured. */
export const timeoutSeconds = (c: HitlConfig) => c.agentAssignedTimeoutSeconds ?? 0
