import { BlockList, isIP } from 'node:net'

/**
 * Addresses a URL from a message may make us connect to: public unicast only. Everything else — loopback, private,
 * carrier-grade NAT, link-local (cloud metadata at 169.254.169.254 / fd00:ec2::254), unique-local, multicast,
 * documentation, benchmarking and reserved ranges, and the IPv6 forms that embed an IPv4 address — is refused.
 */
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d), and one of those rules
// refuses every IPv4-mapped address.
const blockedV4 = new BlockList()
const blockedV6 = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blockedV4.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped (a public host resolves to plain IPv4, not to this form)
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blockedV6.addSubnet(net, prefix, 'ipv6')

/** True only for a literal IPv4/IPv6 address that is public unicast. Anything unparsable is not public. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '')
  const family = isIP(bare)
  if (family === 4) return !blockedV4.check(bare, 'ipv4')
  if (family !== 6 || bare.includes('%')) return false // a zone id only makes sense on link-local addresses
  return !blockedV6.check(bare, 'ipv6')
}

/**
 * `ALLOW_PRIVATE_FETCH_HOSTS` (comma-separated `host:port`): the only way to fetch from a loopback or private
 * address — the sandbox and tests set it for their own file servers; production never does. Read at call time.
 */
export function allowedPrivateHost(hostname: string, port: string | number): boolean {
  const list = (process.env.ALLOW_PRIVATE_FETCH_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  if (!list.length) return false
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return list.some((entry) => {
    const at = entry.lastIndexOf(':')
    if (at <= 0) return false
    return entry.slice(0, at).replace(/^\[|\]$/g, '') === host && entry.slice(at + 1) === String(port)
  })
}
