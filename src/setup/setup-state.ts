import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'

export type SetupState = bp.States['setup'] & { publicKeys: string[] }

/** The `setup` integration state: webhook URL (only register receives it), our SalesIQ webhook and its keys. */
export async function readSetup(props: bp.CommonHandlerProps): Promise<SetupState> {
  const state = await readIntegrationState(props, 'setup')
  return { ...state, publicKeys: state?.publicKeys ?? [] }
}

/** setState replaces the whole payload: merge with what is there. */
export async function updateSetup(props: bp.CommonHandlerProps, patch: Partial<SetupState>): Promise<SetupState> {
  const payload = { ...(await readSetup(props)), ...patch }
  await props.client.setState({ type: 'integration', id: props.ctx.integrationId, name: 'setup', payload })
  return payload
}
