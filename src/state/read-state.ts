import { isApiError } from '@botpress/sdk'
import type * as bp from '.botpress'

type StateName = keyof bp.States
type IntegrationStateName = {
  [K in StateName]: bp.TIntegration['states'][K]['type'] extends 'integration' ? K : never
}[StateName]

/** A missing state is normal (never set, or expired): undefined instead of a ResourceNotFound error. */
export async function readState<N extends StateName>(
  client: bp.Client,
  type: 'integration' | 'conversation' | 'user',
  id: string,
  name: N
): Promise<bp.States[N] | undefined> {
  try {
    const { state } = await client.getState({ type, id, name } as never)
    return (state as unknown as { payload: bp.States[N] }).payload ?? undefined
  } catch (err) {
    if (isApiError(err) && err.type === 'ResourceNotFound') return undefined
    throw err
  }
}

export const readIntegrationState = <N extends IntegrationStateName>(props: bp.CommonHandlerProps, name: N) =>
  readState(props.client, 'integration', props.ctx.integrationId, name)
