import { apiOf, type Props } from './api'
import { readConfig, sessionConfig, type HitlConfig } from './config'
import { STATE } from './names'

/** Saves the session's configuration (the bot's, overridden by startHitl's input) on the upstream conversation. */
export async function configureNewSession(props: Props, upstreamId: string, overrides: unknown): Promise<HitlConfig> {
  const config = sessionConfig(props.ctx.configuration, overrides)
  await apiOf(props).setState({
    type: 'conversation',
    id: upstreamId,
    name: STATE.effectiveSessionConfig,
    payload: config,
  })
  return config
}

/** The session's configuration; the bot's when none was saved. */
export async function retrieveSessionConfig(props: Props, upstreamId: string): Promise<HitlConfig> {
  const saved = await apiOf(props)
    .getState({ type: 'conversation', id: upstreamId, name: STATE.effectiveSessionConfig })
    .catch(() => undefined)
  return saved ? readConfig(saved.state.payload) : readConfig(props.ctx.configuration)
}
