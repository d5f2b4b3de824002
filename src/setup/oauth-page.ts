import type { Response } from '@botpress/sdk'

/**
 * The small page the bot builder sees after Zoho's consent screen (or when the link is misused). Everything it
 * shows may come from the query string or from Zoho, so every piece is HTML-escaped; the page loads nothing.
 */
export const escapeHtml = (value: string): string => value.replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`)

export function oauthPage(status: number, title: string, lines: string[]): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
h1{font-size:1.4rem}.ok{color:#186a3b}.err{color:#a93226}</style></head>
<body><h1 class="${status < 300 ? 'ok' : 'err'}">${escapeHtml(title)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
</body></html>
`
  return {
    status,
    body,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  }
}
