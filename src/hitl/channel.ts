import type * as bp from '.botpress'
import { sendToOperator } from './outgoing'

type Messages = bp.IntegrationProps['channels']['hitl']['messages']
type AnyMessageProps = {
  payload: unknown
  conversation: { id: string; tags: Record<string, string | undefined> }
} & bp.CommonHandlerProps

const relay =
  (type: string) =>
  async ({ payload, conversation, ctx, client, logger }: AnyMessageProps) =>
    sendToOperator({ props: { ctx, client, logger }, conversation, type, payload: payload as Record<string, unknown> })

/** Channel `hitl`: every message the bot (the HITL plugin) writes in the hitl conversation goes to the operator. */
export const hitlChannel: bp.IntegrationProps['channels']['hitl'] = {
  messages: {
    text: relay('text'),
    image: relay('image'),
    audio: relay('audio'),
    video: relay('video'),
    file: relay('file'),
    bloc: relay('bloc'),
  } satisfies Messages,
}
