/**
 * The pause before looking again at something another handler is about to write (a mapping, a hand-over, the
 * plugin's link): short first — at low latency it comes within milliseconds — then at most 200 ms.
 */
const PAUSES_MS = [25, 50, 100, 200]

export const pauseBefore = (attempt: number) => PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]!

export const lookAgainLater = (attempt: number) => new Promise((resolve) => setTimeout(resolve, pauseBefore(attempt)))
