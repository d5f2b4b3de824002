import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bundleEntry } from '../../scripts/build'

/**
 * A minimal sdk.Bot, not the sandbox's: it escalates with callAction when the visitor says "human" (or, with
 * "broken", with a user the integration does not know), relays what the visitor says next to the hitl conversation
 * (as the HITL plugin does: same payload plus `payload.userId`, and the `hitl#upstream` tag on the hitl
 * conversation), and on `zoho-salesiq-hitl:hitlAssigned` writes "assigned" as the agent (a webchat look-alike user). Every delivery it gets is recorded; its own action `deliveries` returns
 * them, and `slowest` the longest Botpress API call it timed.
 */
const SOURCE = `
import * as sdk from '@botpress/sdk'

const deliveries = []
const upstreamOf = new Map()
const sessionOf = new Map()
let slowest = 0

async function timed(promise) {
  const started = Date.now()
  const result = await promise
  slowest = Math.max(slowest, Date.now() - started)
  return result
}

const bot = new sdk.Bot({
  actions: {
    deliveries: async ({ ctx }) => ({ deliveries, configuration: ctx.configuration }),
    slowest: async () => ({ ms: slowest }),
    fail: async () => { throw new sdk.RuntimeError('the bot refuses') },
  },
  plugins: {},
})

bot.on.message('*', async ({ message, conversation, user, client, ctx }) => {
  deliveries.push({ kind: 'message', type: message.type, text: message.payload.text, integration: conversation.integration, channel: conversation.channel, userId: user.id })
  if (conversation.integration !== 'webchat') return
  const say = (text) => timed(client.createMessage({ conversationId: conversation.id, userId: ctx.botId, type: 'text', payload: { text }, tags: {} }))
  const text = message.payload.text
  const session = sessionOf.get(conversation.id)
  if (session) {
    await client.createMessage({ conversationId: session.hitl, userId: ctx.botId, type: message.type, payload: { ...message.payload, userId: session.user }, tags: {} })
    return
  }
  if (text !== 'human' && text !== 'broken') return
  try {
    const created = await client.callAction({ type: 'zoho-salesiq-hitl:createUser', input: { name: user.name ?? 'Visitor', email: 'protocol@example.com' } })
    const started = await client.callAction({
      type: 'zoho-salesiq-hitl:startHitl',
      input: { userId: text === 'broken' ? 'user_nobody' : created.output.userId, title: 'Protocol test', messageHistory: [] },
    })
    upstreamOf.set(started.output.conversationId, conversation.id)
    await client.updateConversation({ id: started.output.conversationId, tags: { 'hitl#upstream': conversation.id } })
    sessionOf.set(conversation.id, { hitl: started.output.conversationId, user: created.output.userId })
    await say('escalated ' + started.output.conversationId)
  } catch (err) {
    await say('failed: ' + err.message)
  }
})

bot.on.event('*', async ({ event }) => {
  deliveries.push({ kind: 'event', type: event.type, payload: event.payload })
})

bot.on.event('zoho-salesiq-hitl:hitlAssigned', async ({ event, client, ctx }) => {
  let upstream
  for (let i = 0; i < 100 && !(upstream = upstreamOf.get(event.payload.conversationId)); i++) await new Promise((r) => setTimeout(r, 20))
  const { user: agent } = await client.getUser({ id: event.payload.userId })
  const { output } = await client.callAction({
    type: 'webchat:getOrCreateUser',
    input: { name: agent.name, user: { id: agent.id, conversationId: upstream } },
  })
  await client.createMessage({ conversationId: upstream, userId: ctx.botId, type: 'text', payload: { text: 'assigned', userId: output.userId }, tags: {} })
})

export default bot
`

/** Bundles the bot like `bp build` into a fresh temp dir; returns the bundle and a cleanup. */
export async function buildProtocolBot(): Promise<{ bundle: string; remove(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'protocol-bot-'))
  const bundle = await bundleEntry(SOURCE, path.join(dir, 'index.cjs'))
  return { bundle, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
