/* global Option */
import { zohoApi } from './api.js'
import { $ } from './dom.js'

/**
 * "Rate as the visitor" on an ended chat: what the visitor does in SalesIQ's widget after the chat (stars, feedback,
 * or feedback alone). The emulator stores it and sends the `conversation.rated` webhook, which the integration turns
 * into its `chatRated` event. It replaces the reply box, which an ended chat has no use for.
 */

const STARS = 5

const stars = (n) => '★'.repeat(n) + '☆'.repeat(Math.max(0, STARS - n))

/** What the visitor gave, as the console shows it; '' before any rating. */
export function ratedText(c) {
  const rated = typeof c.rating === 'number' ? `${stars(c.rating)} ${c.rating}/${STARS}` : ''
  const feedback = c.feedback ? `“${c.feedback}”` : ''
  if (!rated && !feedback) return ''
  return `The visitor rated this chat: ${[rated, feedback].filter(Boolean).join(' ')}`
}

/** Shows the rating form on an ended chat only, and what was rated so far. */
export function renderRating(c) {
  const form = $('#console-rate')
  form.hidden = c.state !== 'ended'
  $('#console-compose').hidden = c.state === 'ended'
  const rated = $('#console-rated')
  rated.textContent = ratedText(c)
  rated.hidden = !rated.textContent
  form.elements.send.textContent = rated.hidden ? 'Rate as the visitor' : 'Rate again'
}

/** `selected()` is the console's selected chat; `act(fn)` runs a console action and refreshes (errors shown). */
export function initRating({ selected, act }) {
  const form = $('#console-rate')
  const select = form.elements.rating
  select.replaceChildren()
  for (let n = STARS; n >= 1; n--) select.append(new Option(`${stars(n)} ${n}`, String(n)))
  select.append(new Option('no rating (feedback only)', ''))

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const c = selected()
    if (!c) return
    const rating = select.value === '' ? undefined : Number(select.value)
    const feedback = form.elements.feedback.value.trim() || undefined
    act(async () => {
      if (rating === undefined && !feedback) throw new Error('Choose a rating or write feedback.')
      await zohoApi.rate(c.id, { rating, feedback })
      form.elements.feedback.value = ''
    })
  })
}
