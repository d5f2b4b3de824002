import { describe, expect, it } from 'vitest'
import { questionFrom, renderTranscript, sincePreviousSession, TRANSCRIPT_CHUNK_CHARS } from '../../src/hitl/transcript'

const user = { type: 'user' as const, userId: 'u1' }
const bot = { type: 'bot' as const }

describe('bot transcript for the operator', () => {
  it('says who said what and renders every message type readably', () => {
    const [text] = renderTranscript(
      [
        { source: user, type: 'text', payload: { text: 'My order is late' } },
        {
          source: bot,
          type: 'choice',
          payload: {
            text: 'Pick one',
            options: [
              { label: 'Refund', value: 'r' },
              { label: 'Wait', value: 'w' },
            ],
          },
        },
        { source: user, type: 'image', payload: { imageUrl: 'https://x.test/a.png', title: 'receipt' } },
        {
          source: bot,
          type: 'carousel',
          payload: { items: [{ title: 'Card A', actions: [{ label: 'Open', action: 'url', value: 'https://a' }] }] },
        },
        { source: bot, type: 'location', payload: { latitude: 45.5, longitude: -73.6, title: 'Shop' } },
        { source: user, type: 'file', payload: { fileUrl: 'https://x.test/f.pdf' } },
        { source: bot, type: 'markdown', payload: { markdown: '**Hi**' } },
        {
          source: bot,
          type: 'bloc',
          payload: {
            items: [
              { type: 'text', payload: { text: 'one' } },
              { type: 'audio', payload: { audioUrl: 'https://x.test/a.mp3' } },
            ],
          },
        },
      ],
      'Alice'
    )
    expect(text).toContain('Alice: My order is late')
    expect(text).toContain('Bot: Pick one — options: Refund | Wait')
    expect(text).toContain('Alice: [image] receipt https://x.test/a.png')
    expect(text).toContain('[card] Card A — [Open]')
    expect(text).toContain('[location] Shop (45.5, -73.6)')
    expect(text).toContain('Alice: [file] https://x.test/f.pdf')
    expect(text).toContain('Bot: **Hi**')
    expect(text).toContain('[audio] https://x.test/a.mp3')
  })

  it('splits a long history into chunks without losing a line', () => {
    const history = Array.from({ length: 300 }, (_, i) => ({
      source: user,
      type: 'text',
      payload: { text: `line ${i} ${'x'.repeat(50)}` },
    }))
    const chunks = renderTranscript(history, 'Bob')
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(TRANSCRIPT_CHUNK_CHARS + 40)
    const all = chunks.join('\n')
    for (let i = 0; i < 300; i++) expect(all).toContain(`line ${i} `)
  })

  it('sends nothing for an empty history, and builds a question from title and description', () => {
    expect(renderTranscript([], 'Bob')).toEqual([])
    expect(questionFrom('Refund', 'Order 42 never came', 'Bob')).toBe('Refund — Order 42 never came')
    expect(questionFrom(undefined, undefined, 'Bob')).toBe('Bob asked to talk to a human')
    expect(questionFrom('x'.repeat(5000), undefined, 'Bob').length).toBe(1000)
  })
})

describe('transcript of a later escalation', () => {
  const agent = { type: 'bot' as const }
  it("finds the earlier session by its agent's messages (outgoing, with payload.userId), not the plugin's texts", () => {
    const { shown, omitted, previousAgent } = sincePreviousSession([
      { source: user, type: 'text', payload: { text: 'one' } },
      { source: agent, type: 'text', payload: { text: 'Ada here', userId: 'user_ada' } },
      { source: bot, type: 'text', payload: { text: 'The human agent closed the conversation.' } },
      { source: user, type: 'text', payload: { text: 'two' } },
    ])
    expect([shown.length, omitted, previousAgent]).toEqual([2, 2, 'user_ada'])
    expect(sincePreviousSession([{ source: bot, type: 'text', payload: { text: 'hi' } }]).omitted).toBe(0)
  })

  it('shows only what happened since the previous chat with an agent, and says so', () => {
    const [text] = renderTranscript(
      [
        { source: user, type: 'text', payload: { text: 'first problem' } },
        { source: agent, type: 'text', payload: { text: 'Hi Olga, Ada here', userId: 'user_ada' } },
        { source: bot, type: 'text', payload: { text: 'The human agent closed the conversation.' } },
        { source: user, type: 'text', payload: { text: 'second problem' } },
      ],
      'Olga',
      { user_ada: 'Ada' }
    )
    expect(text).toContain("since the visitor's previous chat with Ada (agent) (2 earlier messages not repeated")
    expect(text).not.toContain('Ada here')
    expect(text).not.toContain('first problem')
    expect(text).toContain('Bot: The human agent closed the conversation.')
    expect(text).toContain('Olga: second problem')
  })

  it('a button answer reads as the label the visitor clicked', () => {
    const [text] = renderTranscript(
      [
        {
          source: bot,
          type: 'choice',
          payload: { text: 'Want a human?', options: [{ label: 'Talk to a human', value: 'talk-to-human' }] },
        },
        { source: bot, type: 'text', payload: { text: 'Or type your question.' } },
        { source: user, type: 'text', payload: { text: 'talk-to-human' } },
        { source: user, type: 'text', payload: { text: 'something else' } },
      ],
      'Grace'
    )
    expect(text).toContain('Grace: Talk to a human')
    expect(text).not.toContain('Grace: talk-to-human')
    expect(text).toContain('Grace: something else')
  })
})
