import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callIntegration } from '../../sandbox/runtime/protocol'
import { allowPrivateFetch, botClient, botWrites, openChat, waitFor, zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { scale } from './support/profile'
import {
  botpressCallsSince,
  floodForeignAssignments,
  lastBotpressSeq,
  signedDeliveries,
} from './support/signed-deliveries'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Issue #14, performed: each test is the attack (or the incident) as it was reported, against the built integration
 * in two instances, and checks what it can no longer do. The OAuth takeover is in oauth-attacks.test.ts, the
 * orphan chat in orphan-chat.test.ts.
 */
type Hit = { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/** A server that records what reaches it: an attacker's host, or something on the integration's own network. */
async function recorder(handle?: (req: Hit, res: import('node:http').ServerResponse) => boolean) {
  const hits: Hit[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      hits.push(hit)
      if (!handle?.(hit, res)) res.writeHead(200, { 'content-type': 'text/plain' }).end('INTERNAL-CANARY')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  return {
    hits,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

let stack: Tracked
let internal: Awaited<ReturnType<typeof recorder>> // on loopback, not allowed: what SSRF would reach
let allowed: Awaited<ReturnType<typeof recorder>> // an allowed file host that redirects to `internal`
let endless: { url: string; close(): Promise<void> } // an allowed host streaming without end and without a length
let endlessBytes = 0
let endlessClosedAfterMs = -1

/** Answers every GET with an endless body and no content-length; records how much it sent and when it was cut. */
async function endlessHost() {
  const server = createServer((_req, res) => {
    const started = Date.now()
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    const chunk = Buffer.alloc(256 * 1024)
    const pump = () => {
      while (res.write(chunk)) endlessBytes += chunk.length
      endlessBytes += chunk.length
    }
    res.on('drain', pump)
    res.on('close', () => (endlessClosedAfterMs = Date.now() - started))
    pump()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

beforeAll(async () => {
  internal = await recorder()
  allowed = await recorder((hit, res) => {
    if (hit.url.startsWith('/to-internal')) {
      res.writeHead(302, { location: `${internal.url}/secret.txt` }).end()
      return true
    }
    return false
  })
  endless = await endlessHost()
  allowPrivateFetch(allowed.url)
  allowPrivateFetch(endless.url)
  stack = await startTracked({
    bot: false,
    instances: 2,
    zohoSettings: { autoAssignDelayMs: 60_000, webhookRetryIntervalMs: 60_000 },
  })
})
afterAll(async () => {
  await closeAndScan(stack)
  await Promise.all([internal?.close(), allowed?.close(), endless?.close()])
})

async function session(name: string) {
  const { conversationId, chatId, visitorChatId } = await openChat(stack, name)
  return { conversationId, chatId, visitorChatId }
}

const operatorSaw = async (chatId: string) =>
  ((await zoho(stack, 'GET', `/conversations/${chatId}`)).messages as any[])
    .filter((m) => m.sender?.type === 'visitor')
    .map((m) => ({ text: String(m.message?.text ?? ''), file: m.message?.file?.name as string | undefined }))

describe('#14.2 credentials never follow a redirect', () => {
  it('a 307 from the accounts host does not re-POST the client secret elsewhere', async () => {
    const evil = await recorder()
    try {
      const { conversationId } = await session('Redirected')
      await zoho(stack, 'POST', '/faults', {
        path: '/oauth/v2/token',
        method: 'POST',
        status: 307,
        location: `${evil.url}/steal`,
        count: 4,
      })
      await zoho(stack, 'POST', '/tokens/invalidate', {})
      const answer = await botWrites(stack, conversationId, 'text', { text: 'needs a refresh' })
      await zoho(stack, 'DELETE', '/faults')
      const after = await botWrites(stack, conversationId, 'text', { text: 'after the redirect' })
      const leaked = evil.hits.filter((h) => h.body.includes(String(stack.configuration.clientSecret)))
      record({
        fault: 'token endpoint answers 307 to another host',
        where: 'token refresh (client secret + refresh token)',
        sent: 1,
        delivered: 0,
        duplicated: 0,
        lost: leaked.length,
        told: answer.status === 400 ? 1 : 0,
        outcome: evil.hits.length
          ? `FAIL: ${evil.hits.length} request(s) reached the redirect target`
          : 'ok: redirect refused, nothing sent to its target; sender told',
      })
      expect(evil.hits).toEqual([])
      expect(answer.status).toBe(400)
      expect(JSON.stringify(answer.body)).toMatch(/redirect/)
      expect(after.status).toBe(200)
    } finally {
      await zoho(stack, 'DELETE', '/faults')
      await evil.close()
    }
  })
})

describe('#14.3 a visitor file URL cannot reach the integration’s own network', () => {
  it('loopback, odd encodings, localhost, metadata, and a redirect to loopback: never fetched, sent as a link', async () => {
    const { conversationId, chatId } = await session('Forger')
    const p = internal.port
    const urls = [
      `http://127.0.0.1:${p}/secret.txt`,
      `http://0x7f000001:${p}/secret.txt`,
      `http://2130706433:${p}/secret.txt`,
      `http://127.1:${p}/secret.txt`,
      `http://[::ffff:127.0.0.1]:${p}/secret.txt`,
      `http://[::1]:${p}/secret.txt`,
      `http://localhost:${p}/secret.txt`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://[fd00:ec2::254]/latest/meta-data/`,
      `${allowed.url}/to-internal`,
    ]
    const answers = []
    for (const [i, url] of urls.entries())
      answers.push(await botWrites(stack, conversationId, 'file', { fileUrl: url, title: `probe ${i}` }))
    const seen = await operatorSaw(chatId)
    const uploads = seen.filter((m) => m.file)
    const links = urls.filter((u) => seen.some((m) => m.text.includes(u)))
    record({
      fault: 'visitor file URLs on loopback / private / metadata / redirect to loopback',
      where: 'send file (server-side fetch)',
      sent: urls.length,
      delivered: links.length,
      duplicated: 0,
      lost: internal.hits.length,
      outcome: internal.hits.length
        ? `FAIL: the integration fetched ${internal.hits.length} internal URL(s)`
        : `ok: 0 internal requests; ${links.length} sent as links, ${uploads.length} uploaded`,
    })
    expect(internal.hits).toEqual([])
    expect(answers.map((a) => a.status)).toEqual(urls.map(() => 200))
    expect(uploads).toEqual([])
    expect(links).toHaveLength(urls.length)
    expect(allowed.hits.map((h) => h.url)).toEqual(['/to-internal']) // the allowed host itself was fetched
  })
})

describe('#14.5 foreign chats cost almost nothing and keep nothing', () => {
  const CHATS = scale(150, 500) // ×3 deliveries each: the incident's 1 500 in the full profile
  it('assignment deliveries for hundreds of website chats: ≤ 1 Botpress call each, none once known; no state grows', async () => {
    const before = JSON.stringify(
      stack.botpress
        .dump()
        .bots[stack.identity.botId]!.states.filter((s) => s.type === 'integration')
        .map((s) => s.payload)
    ).length
    const first = await floodForeignAssignments(stack, {
      chats: CHATS,
      perChat: 1,
      operatorId: stack.zoho.ids.availableOperatorId,
    })
    const again = await floodForeignAssignments(stack, {
      chats: CHATS,
      perChat: 2,
      operatorId: stack.zoho.ids.availableOperatorId,
      firstChatId: first.firstChatId,
    })
    const fresh = await floodForeignAssignments(stack, {
      chats: 20,
      perChat: 1,
      ageMs: 0,
      operatorId: stack.zoho.ids.availableOperatorId,
    })
    record({
      fault: `foreign chats: ${first.deliveries + again.deliveries} assignment deliveries of ${CHATS} website chats`,
      where: 'webhook attender.updated (not our chat)',
      sent: first.deliveries + again.deliveries,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      outcome:
        `ok: ${first.callsPerDelivery.toFixed(3)} Botpress calls per first delivery (${first.otherPaths.join(', ') || 'lookups only'} besides), ` +
        `${again.botpressCalls} for ${again.deliveries} later ones; integration states ${before} B before, ${again.integrationStateBytes} B after`,
    })
    expect(first.statuses).toEqual({ 200: CHATS })
    // One lookup per delivery; besides, only the webhook keys' cache (a read per instance and minute).
    expect(first.lookups).toBeLessThanOrEqual(first.deliveries)
    expect(first.otherCalls).toBeLessThanOrEqual(4) // keys and shared token, read once by each instance
    expect(fresh.lookups).toBeLessThanOrEqual(fresh.deliveries)
    expect(again.lookups).toBe(0) // known foreign
    expect(first.integrationStateBytes).toBeLessThanOrEqual(before + 256) // parked entries were ~120 B each
    expect(again.integrationStateBytes).toBe(first.integrationStateBytes)
  }, 180_000)
})

describe('#14.7 junk requests do not each cost a Botpress call', () => {
  it('200 bad signatures and 200 unsigned posts: a handful of state reads in all', async () => {
    const { post } = signedDeliveries(stack)
    const since = lastBotpressSeq(stack)
    const statuses = new Set<number>()
    for (let i = 0; i < 200; i++)
      statuses.add((await post(`{"event":"conversation.completed","entity_id":"${i}"}`, 'QUFBQQ==')).status)
    const forged = botpressCallsSince(stack, since).length
    const since2 = lastBotpressSeq(stack)
    for (let i = 0; i < 200; i++) statuses.add((await post(`{"event":"x","entity_id":"${i}"}`)).status)
    const unsigned = botpressCallsSince(stack, since2).length
    record({
      fault: '400 junk webhook posts (200 bad signatures, 200 unsigned)',
      where: 'webhook authentication',
      sent: 400,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      outcome: `ok: all 401; ${forged} Botpress calls for the forged ones, ${unsigned} for the unsigned ones`,
    })
    expect([...statuses]).toEqual([401])
    expect(forged).toBeLessThanOrEqual(6) // at most a re-read every few seconds per instance
    expect(unsigned).toBe(0)
  })
})

describe('#14.8 a delivery only acts on its own chat; attachment downloads stay bounded', () => {
  it("a visitor_conversation_id of another chat does not route a stranger's message into it", async () => {
    const victim = await session('Victim')
    const { deliver } = signedDeliveries(stack)
    const answer = await deliver({
      event: 'conversation.operator.replied',
      entity_id: '93000000000000001',
      entity: {
        id: '93000000000000001',
        visitor_conversation_id: victim.visitorChatId,
        message: { msgid: '1', text: 'INJECTED', sender: { id: 'x', name: 'Stranger', type: 'operator' } },
      },
    })
    const injected = stack.botpress
      .dump()
      .bots[stack.identity.botId]!.messages.filter(
        (m) => m.conversationId === victim.conversationId && m.payload.text === 'INJECTED'
      )
    record({
      fault: "operator.replied of an unknown chat carrying another chat's visitor_conversation_id",
      where: 'webhook routing',
      sent: 1,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      outcome: injected.length
        ? 'FAIL: the message reached the other conversation'
        : 'ok: acknowledged, nothing created',
    })
    expect(answer.status).toBe(200)
    expect(injected).toEqual([])
  })

  it('an operator file streamed without content-length (behind a redirect) is cut at the limit and the budget', async () => {
    const { chatId, conversationId } = await session('Streamed')
    const { deliver } = signedDeliveries(stack)
    await zoho(stack, 'POST', '/faults', {
      path: '/api/v2/*/attachments/*',
      status: 302,
      location: `${endless.url}/huge.bin`,
      count: 1,
    })
    const started = Date.now()
    const answer = await deliver({
      event: 'conversation.operator.replied',
      entity_id: chatId,
      entity: {
        id: chatId,
        message: {
          msgid: 'big-1',
          text: '',
          sender: { id: stack.zoho.ids.availableOperatorId, name: 'Ada', type: 'operator' },
          file: {
            name: 'huge.bin',
            url: `${stack.zoho.url}/api/v2/${stack.zoho.credentials.screenName}/attachments/k1?file_name=huge.bin`,
          },
        },
      },
    })
    const tookMs = Date.now() - started
    await waitFor('the stream to be closed by the integration', async () => endlessClosedAfterMs >= 0, 15_000).catch(
      () => undefined
    )
    await zoho(stack, 'DELETE', '/faults')
    const shownNow = () =>
      stack.botpress.dump().bots[stack.identity.botId]!.messages.filter((m) => m.conversationId === conversationId)
    // The operator's first message is held back until the plugin would know the agent (src/hitl/hold-back.ts).
    await waitFor('the text naming the file', async () => shownNow().length > 0, 15_000).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 300)) // and nothing more
    const shown = shownNow()
    const readMb = Math.round(endlessBytes / 1024 / 1024)
    record({
      fault: 'operator attachment streamed without content-length, endless, behind a redirect',
      where: 'operator file re-hosting',
      sent: 1,
      delivered: shown.length,
      duplicated: 0,
      lost: shown.length ? 0 : 1,
      outcome:
        endlessClosedAfterMs >= 0 && endlessClosedAfterMs < 6_000
          ? `ok: download stopped after ${endlessClosedAfterMs} ms (~${readMb} MB sent), user told by a text naming the file`
          : `FAIL: still reading after ${endlessClosedAfterMs} ms (~${readMb} MB)`,
    })
    expect(answer.status).toBe(200)
    expect(tookMs).toBeLessThan(5_000) // SalesIQ's delivery deadline
    expect(endlessClosedAfterMs).toBeGreaterThanOrEqual(0)
    expect(endlessClosedAfterMs).toBeLessThan(6_000)
    expect(endlessBytes).toBeLessThan(80 * 1024 * 1024) // 50 MB limit + socket buffers
    expect(shown.map((m) => String(m.payload.text ?? ''))).toEqual([expect.stringMatching(/huge\.bin/)])
  })
})

describe('#14.9 a token Zoho refused is never trusted again', () => {
  it("after every token was invalidated, another instance's stale copy is not the end: one refresh, delivered", async () => {
    const { conversationId } = await session('Stale')
    const { conversation } = await botClient(stack).getConversation({ id: conversationId })
    // A visitor's message as the plugin relays it: payload.userId names the visitor's downstream user (without it, a
    // message is the plugin's own notice and reaches the operator prefixed "Bot: ").
    const payload = (text: string) => ({ text, userId: conversation.tags.userId })
    const via = (i: number, text: string) =>
      callIntegration(stack.pool.instances[i]!.url, stack.pool.identity, stack.pool.configuration, 'message_created', {
        type: 'text',
        payload: payload(text),
        conversation,
        message: {
          id: `m${Math.random()}`,
          type: 'text',
          payload: payload(text),
          conversationId,
          userId: stack.identity.botId,
          tags: {},
        },
        user: { id: stack.identity.botId, tags: {} },
      })
    expect((await via(0, 'warm 0')).status).toBe(200)
    expect((await via(1, 'warm 1')).status).toBe(200)
    // Instance 1 refreshes after an invalidation; instance 0 still holds the old token in memory.
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    expect((await via(1, 'instance 1 refreshes')).status).toBe(200)
    // Zoho invalidates everything again: instance 0's own token and the shared copy are both dead.
    await zoho(stack, 'POST', '/tokens/invalidate', {})
    const before = (await zoho(stack, 'GET', '/tokens')).tokenEndpointCalls
    const answer = await via(0, 'instance 0 after both died')
    const refreshes = (await zoho(stack, 'GET', '/tokens')).tokenEndpointCalls - before
    record({
      fault: "all tokens invalidated; the other instance's shared token is stale too",
      where: 'send message',
      sent: 1,
      delivered: answer.status === 200 ? 1 : 0,
      duplicated: 0,
      lost: 0,
      told: answer.status === 200 ? 0 : 1,
      retries: refreshes,
      outcome: answer.status === 200 ? `ok: delivered after ${refreshes} refresh(es)` : `FAIL: ${answer.status}`,
    })
    expect(answer.status).toBe(200)
    expect(refreshes).toBe(1)
    const chat = await zoho(stack, 'GET', `/conversations/${conversation.tags.chatId}`)
    expect(chat.messages.map((m: any) => m.message.text)).toContain('instance 0 after both died')
  })
})
