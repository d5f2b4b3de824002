import { Client } from '@botpress/client'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import { startStack, type Stack } from '../../sandbox/stack'
import { Visitor } from '../harness/visitor'

/**
 * The sandbox page clicked through in Debian's Chromium, at 1 280 px, as a person tries it first: the visitor escalates,
 * an operator accepts in the console, both sides talk (a file with a long name too), a transfer to a busy operator is
 * refused with its reason, the operator ends the chat, the visitor escalates again and the console shows the new chat,
 * the ended chat is rated as the visitor, a second visitor's chat is marked new, the operators go offline and business
 * hours close (the emulator and the integration's getAvailability agree with the console), an offline message a bot
 * filed through the integration is listed, and the timeline is in time order with cells that stay in their columns.
 * The steps share one page and run in order. Who wrote what comes from the page's author marks; the only bot texts
 * looked for are the plugin's, read from the bot's defaults, shown as the bot's. `SCREENSHOT=1` also writes
 * docs/sandbox.png (the README's).
 */

const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const WIDTH = 1280
const WAIT = 20_000 // generous: every step crosses the bot, Botpress, the integration and the Zoho emulator
const SCREENSHOT = path.resolve(__dirname, '../../docs/sandbox.png')
/** One word, no break opportunity: what a long SalesIQ file URL looks like to the layout. */
const LONG_FILE_NAME = `${'quarterlyinvoicestatement'.repeat(8)}.pdf`
/** An offline message with an unbreakable order number in it. */
const OFFLINE_MESSAGE = `Nobody was there. Please call me back about order ${'A1B2C3D4'.repeat(10)} before Friday.`

let stack: Stack | undefined
let browser: Browser | undefined
let page: Page
const pageErrors: string[] = []

const MISSING_CHROMIUM =
  `The browser test needs Debian's Chromium at ${CHROMIUM}, which is missing. Install it with: ` +
  'sudo apt-get update && sudo apt-get install -y chromium   (.ci/run does this in CI; this test fails, never skips, without it)'

/** Waits until the locator is visible (auto-waiting; no fixed sleeps). */
const see = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: WAIT })
const byTest = (id: string, attrs = '') => page.locator(`[data-testid="${id}"]${attrs}`)
/** A text of the HITL plugin, as the visitor reads it: written by the bot. */
const pluginText = (text: string) => byTest('visitor-message', '[data-author="bot"]').filter({ hasText: text })

/**
 * Asks for a human the way a person would: by saying so, then taking the bot's offer if its answer is one (whichever
 * way the bot behind the page escalates).
 */
async function escalateOnPage() {
  const botMessages = byTest('visitor-message', '[data-author="bot"]')
  const before = await botMessages.count()
  await page.getByTestId('visitor-input').fill('I want to talk to a human')
  await page.getByTestId('visitor-send').click()
  await expect.poll(() => botMessages.count(), { timeout: WAIT }).toBeGreaterThan(before)
  const offer = botMessages
    .last()
    .getByTestId('choice-option')
    .filter({ hasText: /human|agent/i })
  if ((await offer.count()) > 0 && (await offer.first().isEnabled())) await offer.first().click()
  await see(byTest('visitor-status', ':not([data-status="bot"]):not([data-status="back-to-bot"])'))
}

/** The Zoho emulator's control API, read as any outside test would. */
async function control<T = any>(path: string): Promise<T> {
  const res = await fetch(`${stack!.zoho.url}/_emulator/${path}`)
  expect(res.status).toBe(200)
  return (await res.json()) as T
}

/** Calls an action through the Botpress API emulator, as a bot does (`client.callAction`). */
async function callAction(type: string, input: Record<string, unknown>) {
  const bot = new Client({ apiUrl: stack!.botpress.url, botId: stack!.identity.botId, retry: { retries: 0 } })
  return (await bot.callAction({ type, input })).output as Record<string, any>
}

/** Nothing scrolls sideways, and the console's Send button is on screen. */
async function expectNoSidewaysScroll() {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }))
  expect(widths.page).toBeLessThanOrEqual(widths.window)
  const send = await page.getByTestId('console-reply-send').boundingBox()
  expect(send!.x + send!.width).toBeLessThanOrEqual(WIDTH)
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return // each test fails with MISSING_CHROMIUM
  stack = await startStack({ port: 0 })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } })
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(`${stack.url}/`)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await stack?.close()
}, 30_000)

describe('sandbox page in Chromium', { timeout: 60_000 }, () => {
  let firstChatId = ''

  it('says auto-assign is on at first, and switching it off lets the operator accept', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING_CHROMIUM)
    const s = stack!
    const autoAssign = page.getByTestId('console-autoassign')
    await see(page.getByTestId('operator').filter({ hasText: 'Ada Lovelace' }))
    await expect.poll(() => autoAssign.isChecked(), { timeout: WAIT }).toBe(true)
    expect(await page.getByTestId('console-assign-hint').textContent()).toMatch(/^on: .*available operator/)
    await autoAssign.uncheck()
    await expect.poll(() => s.zoho.store.apps.get(s.zoho.ids.appId)?.chatAssignment, { timeout: WAIT }).toBe('manual')
    expect(await page.getByTestId('console-assign-hint').textContent()).toMatch(/^off: .*Accept/)
  })

  it('escalates, and the operator accepts the chat the console selected', async () => {
    await page.getByTestId('visitor-name').fill('Grace')
    await page.getByTestId('visitor-start').click()
    await see(byTest('visitor-status', '[data-status="bot"]'))
    await page.getByTestId('visitor-input').fill('Hello, I need help with my order')
    await page.getByTestId('visitor-send').click()
    await see(byTest('visitor-message', '[data-author="bot"]'))
    await escalateOnPage()
    await see(pluginText(DEFAULT_TEXTS.onHitlHandoffMessage))

    // No chat was selected: the console selects the new waiting one, with the bot transcript.
    await see(byTest('console-state', '[data-state="waiting"]'))
    expect(await page.getByTestId('console-title').textContent()).toContain('Grace')
    await see(page.getByTestId('console-message').filter({ hasText: 'Hello, I need help with my order' }))
    firstChatId = (await byTest('console-chat', '.selected').getAttribute('data-id'))!
    await page.getByTestId('console-operator').selectOption({ label: 'Ada Lovelace' })
    await page.getByTestId('console-accept').click()
    await see(byTest('console-state', '[data-state="connected"]').filter({ hasText: 'Ada Lovelace' }))
    await see(byTest('visitor-status', '[data-status="agent"]'))
    expect(await page.getByTestId('visitor-status').textContent()).toContain('Ada Lovelace')
    await see(pluginText(DEFAULT_TEXTS.onHumanAgentAssignedMessage))
  })

  it('relays both ways; the agent is shown by the name the visitor API gives, a long file name wraps', async () => {
    await page.getByTestId('visitor-input').fill('Where is my parcel?')
    await page.getByTestId('visitor-send').click()
    await see(byTest('console-message', '[data-sender="visitor"]').filter({ hasText: 'Where is my parcel?' }))

    await page.getByTestId('console-reply-input').fill('It ships tomorrow, Grace.')
    await page.getByTestId('console-reply-send').click()
    const reply = byTest('visitor-message', '[data-author="agent"]').filter({ hasText: 'It ships tomorrow, Grace.' })
    await see(reply)
    expect(await reply.first().getAttribute('data-author-name')).toBe('Ada Lovelace')
    expect(await reply.first().locator('.meta').textContent()).toMatch(/^Ada Lovelace · agent/)

    await page.getByTestId('console-reply-file').setInputFiles({
      name: LONG_FILE_NAME,
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 invoice'),
    })
    const link = byTest('visitor-message', '[data-author="agent"]').getByTestId('file-link')
    await see(link)
    expect(await link.first().getAttribute('title')).toBe(LONG_FILE_NAME)
    await expectNoSidewaysScroll()
  })

  it('offers available operators first, and says why a transfer to a busy one is refused', async () => {
    const s = stack!
    await page.getByTestId('operator-status').and(page.locator('[data-operator="Olive"]')).selectOption('available')
    const transferTo = page.getByTestId('console-transfer-to')
    // Olive is now the only other available operator: first, and chosen by default.
    await expect.poll(() => transferTo.locator('option').first().textContent(), { timeout: WAIT }).toContain('Olive')
    expect(await transferTo.inputValue()).toBe(s.zoho.ids.offlineOperatorId)
    expect(await transferTo.locator('optgroup').first().getAttribute('label')).toBe('Available')

    await transferTo.selectOption({ label: 'Ben Busy (busy)' })
    await page.getByTestId('console-transfer').click()
    const result = page.getByTestId('console-transfer-result')
    await see(result.and(page.locator('[data-outcome="rejected"]')))
    expect(await result.textContent()).toBe('Transfer to Ben Busy refused: Ben Busy is busy')
    await see(
      byTest('timeline-item', `[data-chat="${firstChatId}"]`).filter({
        hasText: 'transfer.rejected to Ben Busy: Ben Busy is busy',
      })
    )
    await see(byTest('console-state', '[data-state="connected"]').filter({ hasText: 'Ada Lovelace' }))

    if (process.env.SCREENSHOT === '1') {
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true })
      await page.screenshot({ path: SCREENSHOT })
    }

    await transferTo.selectOption({ label: 'Olive Offline (available)' })
    await page.getByTestId('console-transfer').click()
    await see(result.and(page.locator('[data-outcome="accepted"]')))
    expect(await result.textContent()).toBe('Transferred to Olive Offline')
    await see(byTest('console-state', '[data-state="connected"]').filter({ hasText: 'Olive Offline' }))
  })

  it('marks a visitor message the integration could not deliver, with the reason', async () => {
    const s = stack!
    // SalesIQ refuses the next visitor message once.
    const fault = await fetch(`${s.zoho.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/api/visitor/v1/*/conversations/*/messages',
        method: 'POST',
        status: 400,
        count: 1,
      }),
    })
    expect(fault.status).toBe(200)
    await page.getByTestId('visitor-input').fill('This one will not arrive')
    await page.getByTestId('visitor-send').click()
    const failed = byTest('visitor-message', '[data-author="visitor"].failed').filter({
      hasText: 'This one will not arrive',
    })
    await see(failed)
    expect(await failed.getByTestId('visitor-message-failed').textContent()).toMatch(/^Not delivered: \S/)
  })

  it('hands back to the bot when the operator ends the chat', async () => {
    await page.getByTestId('console-end').click()
    await see(byTest('console-state', '[data-state="ended"]'))
    await see(byTest('visitor-status', '[data-status="back-to-bot"]'))
    await see(pluginText(DEFAULT_TEXTS.onHitlStoppedMessage))
    const before = await byTest('visitor-message', '[data-author="bot"]').count()
    await page.getByTestId('visitor-input').fill('Thanks!')
    await page.getByTestId('visitor-send').click()
    await expect
      .poll(() => byTest('visitor-message', '[data-author="bot"]').count(), { timeout: WAIT })
      .toBeGreaterThan(before)
  })

  it('rates the ended chat as the visitor: the emulator sends conversation.rated and the integration takes it', async () => {
    const form = page.getByTestId('console-rate-form')
    await see(form)
    // An ended chat has no use for the reply box: the rating takes its place.
    expect(await page.getByTestId('console-reply-input').isHidden()).toBe(true)
    expect(await page.getByTestId('console-rated').isHidden()).toBe(true)
    // Neither stars nor words: nothing to send, and the console says so.
    await page.getByTestId('console-rate-rating').selectOption('')
    await page.getByTestId('console-rate-send').click()
    await see(byTest('console-error').filter({ hasText: 'Choose a rating or write feedback.' }))
    expect(await control('deliveries?event=conversation.rated')).toEqual([])
    await page.getByTestId('console-rate-rating').selectOption('4')
    await page.getByTestId('console-rate-feedback').fill('Quick and kind')
    await page.getByTestId('console-rate-send').click()
    const rated = page.getByTestId('console-rated')
    await see(rated)
    expect(await page.getByTestId('console-error').isHidden()).toBe(true)
    expect(await rated.textContent()).toBe('The visitor rated this chat: ★★★★☆ 4/5 “Quick and kind”')
    expect(await control(`conversations/${firstChatId}`)).toMatchObject({ rating: 4, feedback: 'Quick and kind' })
    await expect
      .poll(async () => (await control<any[]>('deliveries?event=conversation.rated')).map((d) => d.status), {
        timeout: WAIT,
      })
      .toContain(200)
    const [delivery] = await control<any[]>('deliveries?event=conversation.rated')
    expect(delivery.envelope.entity).toMatchObject({ id: firstChatId, rating: 4, feedback: 'Quick and kind' })
    // The integration turned it into its own event for the bot.
    await see(byTest('timeline-item').filter({ hasText: 'chatRated' }))
    const send = await page.getByTestId('console-rate-send').boundingBox()
    expect(send!.x + send!.width).toBeLessThanOrEqual(WIDTH)
  })

  it('selects the new chat when the visitor escalates again, and the long file URL in its transcript fits', async () => {
    await escalateOnPage()
    const selected = byTest('console-chat', '.selected')
    await expect.poll(() => selected.getAttribute('data-id'), { timeout: WAIT }).not.toBe(firstChatId)
    expect(await selected.getAttribute('data-visitor')).toBe('Grace')
    await see(byTest('console-state', '[data-state="waiting"]'))
    // The new session has no agent yet, whoever had the last one.
    await see(byTest('visitor-status', '[data-status="waiting"]'))
    await expectNoSidewaysScroll()
  })

  it('marks a chat that arrives while another is open as new', async () => {
    const selectedId = await byTest('console-chat', '.selected').getAttribute('data-id')
    const linus = await new Visitor(stack!, 'Linus').start()
    await linus.say('I want to talk to a human')
    const offered = await linus.waitForMessage('a reply', (m) => m.author === 'bot')
    const option = (offered.payload.options as { value: string }[] | undefined)?.[0]
    if (offered.type === 'choice' && option) await linus.say(option.value)
    const newChat = byTest('console-chat', '[data-visitor="Linus"][data-new]')
    await see(newChat)
    await see(newChat.getByTestId('console-chat-new'))
    expect(await page.getByTestId('console-new-count').textContent()).toBe('1 new')
    expect(await byTest('console-chat', '.selected').getAttribute('data-id')).toBe(selectedId)
    await newChat.click()
    await see(byTest('console-chat', '[data-visitor="Linus"].selected'))
    expect(await page.getByTestId('console-new-count').isHidden()).toBe(true)
  })

  it('sets operators offline and business hours closed; the emulator and getAvailability agree with the console', async () => {
    const s = stack!
    const status = (first: string) =>
      page.getByTestId('operator-status').and(page.locator(`[data-operator="${first}"]`))
    const line = page.getByTestId('console-availability')
    await see(line.and(page.locator('[data-can-chat="true"]')))
    await status('Ada').selectOption('offline')
    await status('Olive').selectOption('offline')
    await see(byTest('operator', '[data-operator="Ada"].offline'))
    await see(line.and(page.locator('[data-can-chat="false"]')))
    expect(await line.textContent()).toBe('No live chat: no operator available · offline messages on')

    const hours = page.getByTestId('console-business-hours')
    await hours.selectOption('closed')
    await expect.poll(() => line.textContent(), { timeout: WAIT }).toMatch(/^No live chat: outside business hours/)
    const apps = await control<any[]>('apps')
    expect(apps.find((a) => a.id === s.zoho.ids.appId)).toMatchObject({
      businessHours: 'closed',
      offlineMessages: true,
    })
    // Offline messages off and on again (the next step leaves one).
    const offlineOn = page.getByTestId('console-offline-messages-on')
    await offlineOn.uncheck()
    await expect.poll(() => line.textContent(), { timeout: WAIT }).toMatch(/· offline messages off$/)
    expect((await control<any[]>('apps')).find((a) => a.id === s.zoho.ids.appId).offlineMessages).toBe(false)
    await offlineOn.check()
    await expect.poll(() => line.textContent(), { timeout: WAIT }).toMatch(/· offline messages on$/)
    expect((await control<any[]>('apps')).find((a) => a.id === s.zoho.ids.appId).offlineMessages).toBe(true)
    const operators = await control<any[]>('operators')
    expect(operators.filter((o) => o.status === 'available').map((o) => o.first_name)).toEqual([])
    // What a bot asking the integration before escalating now hears (its answers are cached for a few seconds).
    await expect
      .poll(async () => (await callAction('zoho-salesiq-hitl:getAvailability', {})).reason, { timeout: WAIT })
      .toBe('outside-business-hours')

    // The console follows the emulator: a change made elsewhere shows up.
    const res = await fetch(`${s.zoho.url}/_emulator/apps/${s.zoho.ids.appId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ businessHours: 'open' }),
    })
    expect(res.status).toBe(200)
    await expect.poll(() => hours.inputValue(), { timeout: WAIT }).toBe('open')
    await expect.poll(() => line.textContent(), { timeout: WAIT }).toMatch(/^No live chat: no operator/)
  })

  it('lists the offline message a bot left through the integration, apart from live chats', async () => {
    const { userId } = await callAction('zoho-salesiq-hitl:createUser', {
      name: 'Margaret',
      email: 'margaret@example.com',
    })
    const left = await callAction('zoho-salesiq-hitl:leaveMessage', {
      userId,
      message: OFFLINE_MESSAGE,
      phone: '+44 20 7946 0000',
    })
    expect(left.messageId).toEqual(expect.any(String))
    const item = byTest('offline-message', `[data-id="${left.messageId}"]`)
    await see(item)
    expect(await item.getAttribute('data-visitor')).toBe('Margaret')
    expect(await item.getByTestId('offline-message-text').textContent()).toBe(OFFLINE_MESSAGE)
    expect(await item.textContent()).toContain('margaret@example.com')
    expect(await item.textContent()).toContain('to Support')
    expect(await page.getByTestId('offline-count').textContent()).toBe('1')
    expect(await byTest('console-chat', `[data-id="${left.messageId}"]`).count()).toBe(0)
    // The timeline row of the filing names no chat: "leavemessage" in its path is not a chat id.
    const filed = byTest('timeline-item').filter({ hasText: '/conversations/leavemessage' })
    await see(filed)
    expect(await filed.first().getAttribute('data-chat')).toBeNull()
    // The long order number wraps inside the chat list's column.
    const column = await page.locator('.chat-list').boundingBox()
    const box = await item.boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(column!.x + column!.width + 0.5)
    await expectNoSidewaysScroll()
  })

  it('shows in the timeline which chat, conversation and instance each row concerns, bot deliveries and routing', async () => {
    const rows = page.getByTestId('timeline-item')
    await see(rows.filter({ hasText: 'conversation.operator.replied' }))
    await see(rows.and(page.locator('[data-source="integration"][data-instance="0"]')).filter({ hasText: 'startHitl' }))
    await see(rows.and(page.locator('[data-source="bot"]')).filter({ hasText: 'event_received' }))
    await see(rows.filter({ hasText: 'callAction' }).filter({ hasText: 'startHitl' }))
    const concerns = (attrs: string) => page.locator(`[data-testid="timeline-item"]${attrs} .tl-concerns`)
    await see(concerns(`[data-chat="${firstChatId}"]`).filter({ hasText: /Grace/ }))
    await see(concerns('[data-conversation]').filter({ hasText: 'Grace webchat' }))
    await see(concerns('[data-conversation]').filter({ hasText: 'Grace hitl' }))
  })

  it('keeps the timeline in time order, with cells that stay inside their columns', async () => {
    const rows = await page.getByTestId('timeline-item').evaluateAll((items) =>
      items.map((li) => {
        const cells = Array.from(li.children) as HTMLElement[]
        return {
          at: Number((li as HTMLElement).dataset.at),
          // Text wider than its cell that is not cut (ellipsis) spills into the next column.
          spills: cells
            .filter((c) => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX === 'visible')
            .map((c) => c.textContent),
          boxesOverlap: cells
            .map((c) => c.getBoundingClientRect())
            .some((box, i, boxes) => i > 0 && box.left < boxes[i - 1]!.right - 0.5),
        }
      })
    )
    expect(rows.length).toBeGreaterThan(20)
    const ats = rows.map((r) => r.at)
    expect(ats.every(Number.isFinite)).toBe(true)
    expect(ats).toEqual([...ats].sort((a, b) => a - b))
    expect(rows.filter((r) => r.spills.length > 0 || r.boxesOverlap)).toEqual([])
    await expectNoSidewaysScroll()
    expect(await page.getByTestId('console-error').isHidden()).toBe(true)
    expect(pageErrors).toEqual([])
  })
})
