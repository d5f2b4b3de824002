import { buildSync } from 'esbuild'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { IntegrationDefinition } from '@botpress/sdk'

export const root = path.resolve(__dirname, '..')

/** Bundles and loads integration.definition.ts the way `bp gen` does (the SDK stays external: one zui instance). */
export function loadDefinition(): IntegrationDefinition {
  // Inside the project so that node resolves @botpress/sdk from its node_modules.
  mkdirSync(path.join(root, '.botpress'), { recursive: true })
  const dir = mkdtempSync(path.join(root, '.botpress', 'def-'))
  const outfile = path.join(dir, 'definition.cjs')
  try {
    buildSync({
      entryPoints: [path.join(root, 'integration.definition.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2020',
      external: ['@botpress/sdk', '@bpinternal/zui'],
      logLevel: 'error',
    })
    const mod = createRequire(outfile)(outfile)
    return mod.default ?? mod
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
