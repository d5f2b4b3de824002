/**
 * The SDK-only floor of the relay (issue #18): an `sdk.Integration`, bundled with the same esbuild options as ours,
 * whose two handlers make exactly the calls a relayed message needs and nothing else — no signature check, no
 * validation, no hold-back, no retries, no error mapping.
 * - webhook (operator → visitor): find the hitl conversation by its `chatId` tag, then `getOrCreateMessage`
 *   (idempotent on the SalesIQ message id). The operator's Botpress user is created once and kept in memory, as ours
 *   keeps it.
 * - channel `hitl` (visitor → operator): the one SalesIQ send. The access token is fetched once and kept.
 * It has no actions: the bench opens the sessions with the real integration, then hands their traffic to this one.
 */
import * as sdk from '@botpress/sdk'

const env = (name: string) => process.env[name] ?? ''
let token: Promise<string> | undefined
let operatorUser: Promise<string> | undefined

type Config = { clientId: string; clientSecret: string; refreshToken: string; screenName: string }

const accessToken = (config: Config): Promise<string> =>
  (token ??= fetch(`${env('ZOHO_ACCOUNTS_URL')}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: config.clientId,
      client_secret: config.clientSecret,
      refresh_token: config.refreshToken,
    }),
  })
    .then((res) => res.json() as Promise<{ access_token: string }>)
    .then((body) => body.access_token))

type Client = {
  listConversations(input: object): Promise<{ conversations: Array<{ id: string }> }>
  getOrCreateUser(input: object): Promise<{ user: { id: string } }>
  getOrCreateMessage(input: object): Promise<unknown>
}

const integration = new sdk.Integration({
  register: async () => {},
  unregister: async () => {},
  actions: {},
  channels: {
    hitl: {
      messages: {
        text: async ({ payload, conversation, ctx }: any) => {
          const config = ctx.configuration as Config
          const url = `${env('ZOHO_SALESIQ_URL')}/api/visitor/v1/${config.screenName}/conversations/${conversation.tags.chatId}/messages`
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              authorization: `Zoho-oauthtoken ${await accessToken(config)}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ text: payload.text }),
          })
          await res.arrayBuffer()
        },
      },
    },
  },
  handler: async ({ req, client }: { req: { method?: string; body?: string }; client: Client }) => {
    if (req.method !== 'POST' || !req.body) return { status: 200 }
    const delivery = JSON.parse(req.body)
    if (delivery.event !== 'conversation.operator.replied') return { status: 200 }
    // SalesIQ's ids are bare numbers beyond a double's precision: read as text, not through JSON.parse.
    const chatId = /"entity_id":"?(\d+)/.exec(req.body)![1]!
    const msgid = /"msgid":"?([^",}]+)/.exec(req.body)![1]!
    const { conversations } = await client.listConversations({ channel: 'hitl', tags: { chatId } })
    operatorUser ??= client
      .getOrCreateUser({ name: 'Operator', tags: { operatorId: 'floor' }, discriminateByTags: ['operatorId'] })
      .then((r) => r.user.id)
    await client.getOrCreateMessage({
      type: 'text',
      payload: { text: delivery.entity.message.text },
      userId: await operatorUser,
      conversationId: conversations[0]!.id,
      tags: { zohoMessageId: `${chatId}:${msgid}` },
      discriminateByTags: ['zohoMessageId'],
    })
    return { status: 200 }
  },
} as any)

export default integration
export const handler = integration.handler
