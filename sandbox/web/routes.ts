import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

/** The page's files (plain HTML, CSS and browser ES modules; no build step). */
export const PUBLIC_DIR = path.resolve(__dirname, 'public')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/**
 * Serves the sandbox page: `/` (index.html), its assets under `/web/<file>`, and `/web/config.json` (the Zoho
 * emulator's seeded ids the operator console needs, e.g. the app whose assignment mode it toggles).
 * Files are read from disk on each request, so editing the page needs only a browser reload.
 */
export function registerPage(app: FastifyInstance, opts: { zohoIds: Record<string, string> }): void {
  const files = new Set(readdirSync(PUBLIC_DIR).filter((f) => TYPES[path.extname(f)]))
  const send = (file: string) => ({ type: TYPES[path.extname(file)], body: readFileSync(path.join(PUBLIC_DIR, file)) })

  app.get('/', async (_req, reply) => {
    const { type, body } = send('index.html')
    return reply.type(type).header('cache-control', 'no-store').send(body)
  })
  app.get('/web/config.json', async () => ({ zohoIds: opts.zohoIds }))
  app.get<{ Params: { file: string } }>('/web/:file', async (req, reply) => {
    // Only the files that exist at start, by exact name: no path ever reaches the file system from the URL.
    if (!files.has(req.params.file)) return reply.code(404).send({ message: `No page asset '${req.params.file}'` })
    const { type, body } = send(req.params.file)
    return reply.type(type).header('cache-control', 'no-store').send(body)
  })
}
