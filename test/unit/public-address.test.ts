import { describe, expect, it } from 'vitest'
import { allowedPrivateHost, isPublicAddress } from '../../src/net/public-address'

describe('public addresses (what a message URL may make us connect to)', () => {
  it('accepts public unicast IPv4 and IPv6', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e'])
      expect(isPublicAddress(a), a).toBe(true)
  })
  it('refuses loopback, private, CGNAT, link-local, metadata, reserved, multicast and IPv4-embedding IPv6', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '0.0.0.0',
      '10.0.0.1',
      '100.64.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '192.0.0.1',
      '198.18.0.1',
      '224.0.0.1',
      '240.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:8.8.8.8', // mapped form: a public host resolves to plain IPv4
      '::7f00:1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      '2001:db8::1',
      'fc00::1',
      'fd00:ec2::254',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
    ])
      expect(isPublicAddress(a), a).toBe(false)
  })
  it('refuses anything that is not a literal address', () => {
    for (const a of ['localhost', '0x7f000001', '2130706433', '', 'example.com'])
      expect(isPublicAddress(a), a).toBe(false)
  })
  it('ALLOW_PRIVATE_FETCH_HOSTS allows exactly the listed host:port', () => {
    const saved = process.env.ALLOW_PRIVATE_FETCH_HOSTS
    try {
      process.env.ALLOW_PRIVATE_FETCH_HOSTS = '127.0.0.1:4010, [::1]:5000,files.local:80'
      expect(allowedPrivateHost('127.0.0.1', '4010')).toBe(true)
      expect(allowedPrivateHost('127.0.0.1', 4011)).toBe(false)
      expect(allowedPrivateHost('[::1]', 5000)).toBe(true)
      expect(allowedPrivateHost('FILES.local', '80')).toBe(true)
      expect(allowedPrivateHost('10.0.0.1', '4010')).toBe(false)
      delete process.env.ALLOW_PRIVATE_FETCH_HOSTS
      expect(allowedPrivateHost('127.0.0.1', '4010')).toBe(false)
    } finally {
      if (saved === undefined) delete process.env.ALLOW_PRIVATE_FETCH_HOSTS
      else process.env.ALLOW_PRIVATE_FETCH_HOSTS = saved
    }
  })
})
