import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The Node versions the project promises (package.json `engines.node`, repeated in README) must be ones every locked
 * package supports: otherwise `npm ci` warns (EBADENGINE) or the package breaks on a Node the README names.
 */
const ROOT = path.resolve(__dirname, '../..')
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'))

// semver ships no types; these are the three functions used here.
type Semver = {
  validRange(range: string): string | null
  subset(sub: string, dom: string): boolean
  satisfies(version: string, range: string): boolean
}
const semver = createRequire(__filename)('semver') as Semver

const pkg = readJson('package.json') as { engines?: { node?: string } }
const lock = readJson('package-lock.json') as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[] }>
}
const declared = pkg.engines?.node ?? ''

/** A lock entry's Node range: npm writes an object; some old packages declare an array like ["node >= 0.8"]. */
function nodeRange(engines: Record<string, string> | string[] | undefined): string | undefined {
  if (!engines) return undefined
  if (Array.isArray(engines)) return engines.find((e) => e.startsWith('node'))?.replace(/^node\s*/, '')
  return engines.node
}

describe('Node engines', () => {
  it('package.json declares a valid engines.node, and the lock agrees', () => {
    expect(semver.validRange(declared), `engines.node "${declared}"`).toBeTruthy()
    expect(lock.packages['']?.engines).toEqual(pkg.engines)
  })

  it('every locked package supports every Node version package.json declares', () => {
    const mismatches = Object.entries(lock.packages)
      .filter(([where]) => where !== '')
      .map(([where, entry]) => ({ where, version: entry.version, range: nodeRange(entry.engines) }))
      .filter((p) => p.range && semver.validRange(p.range) && !semver.subset(declared, p.range))
      .map((p) => `${p.where.replace(/^.*node_modules\//, '')}@${p.version} needs Node ${p.range}`)
    expect(mismatches, `package.json engines.node is "${declared}"`).toEqual([])
  })

  it('the Node running the tests is one the project declares', () => {
    expect(semver.satisfies(process.version, declared), `${process.version} vs "${declared}"`).toBe(true)
  })

  it("README states the same Node range as package.json's engines", () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`\`${declared}\``)
  })
})
