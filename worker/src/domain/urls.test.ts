/**
 * URL rules (issue 8): product URLs are https (http only locally) or a path on this worker; webhook
 * URLs are https (http only locally) and, in production, never a loopback, private, link-local,
 * CGNAT, unspecified, unique-local or otherwise non-public host — however `new URL()` lets the
 * address be spelled. Runs in Node and in workerd (both URL parsers).
 */
import { describe, expect, it } from 'vitest';
import { hostProblem, productUrlProblem, webhookUrlProblem } from './urls';

const PROD = { local: false };
const LOCAL = { local: true };

describe('product url / imageUrl', () => {
  it.each([
    ['https://shop.example/product?sku=oolong-250g', null, null],
    ['https://cdn.shop.example/img/oolong.jpg', null, null],
    ['/shop/product?sku=oolong-250g', null, null],
    ['/shop/img/oolong-250g.svg', null, null],
    ['/', null, null],
    ['http://shop.example/p', null, /^Must be an https URL/],
    ['http://127.0.0.1:8787/shop/', null, /^Must be an https URL/],
    ['//evil.example/x', /single "\/"/, /single "\/"/],
    ['/\\evil.example/x', /single "\/"/, /single "\/"/],
    ['javascript:alert(1)', /not javascript:/, /not javascript:/],
    ['data:image/svg+xml,<svg/>', /not data:/, /not data:/],
    ['ftp://shop.example/x', /not ftp:/, /not ftp:/],
    ['shop/product', /absolute http\(s\) URL/, /absolute http\(s\) URL/],
    ['', /absolute http\(s\) URL/, /absolute http\(s\) URL/],
    [' https://shop.example/', /spaces or control/, /spaces or control/],
    ['https://shop.example/a b', /spaces or control/, /spaces or control/],
    ['/shop/\tproduct', /spaces or control/, /spaces or control/],
    ['java\nscript:alert(1)', /spaces or control/, /spaces or control/],
  ])('%s → local %s, production %s', (url, local, production) => {
    for (const [context, expected] of [
      [LOCAL, local],
      [PROD, production],
    ] as const) {
      const problem = productUrlProblem(url, context);
      if (expected === null) expect(problem).toBeNull();
      else expect(problem).toMatch(expected);
    }
  });
});

describe('webhookUrl', () => {
  it('https to a public host is accepted everywhere; http only locally', () => {
    for (const url of [
      'https://hooks.shop.example/sharecart',
      'https://203.0.113.10/hook',
      'https://[2001:db8::1]/hook',
      'https://shop.example:8443/h',
    ])
      expect(webhookUrlProblem(url, PROD), url).toBeNull();
    expect(webhookUrlProblem('http://hooks.shop.example/h', LOCAL)).toBeNull();
    expect(webhookUrlProblem('http://hooks.shop.example/h', PROD)).toMatch(/^Must be an https URL/);
    expect(webhookUrlProblem('ftp://hooks.shop.example/h', LOCAL)).toMatch(/not ftp:/);
    expect(webhookUrlProblem('/hooks', LOCAL)).toMatch(/absolute https URL/);
  });

  it('local development accepts loopback and private hosts (a merchant backend on 127.0.0.1)', () => {
    for (const url of ['http://127.0.0.1:8788/webhooks', 'http://localhost:8788/w', 'https://10.0.0.5/w', 'http://[::1]:8788/w'])
      expect(webhookUrlProblem(url, LOCAL), url).toBeNull();
  });

  // [what the shop typed, the normalized host the message names, what it is]
  it.each([
    ['https://localhost/hook', 'localhost', 'a local-only name'],
    ['https://LOCALHOST./hook', 'localhost', 'a local-only name'],
    ['https://api.localhost/hook', 'api.localhost', 'a local-only name'],
    ['https://printer.local/hook', 'printer.local', 'a local-only name'],
    ['https://metadata.google.internal/hook', 'metadata.google.internal', 'a local-only name'],
    ['https://router.home.arpa/hook', 'router.home.arpa', 'a local-only name'],
    ['https://intranet/hook', 'intranet', 'not a public host name'],
    ['https://%6c%6f%63%61%6c%68%6f%73%74/hook', 'localhost', 'a local-only name'],
    ['https://ｌｏｃａｌｈｏｓｔ/hook', 'localhost', 'a local-only name'],
    ['https://127.0.0.1/hook', '127.0.0.1', 'a loopback address'],
    ['https://127.255.255.254/hook', '127.255.255.254', 'a loopback address'],
    ['https://10.1.2.3/hook', '10.1.2.3', 'a private address'],
    ['https://172.16.0.1/hook', '172.16.0.1', 'a private address'],
    ['https://172.31.255.255/hook', '172.31.255.255', 'a private address'],
    ['https://192.168.1.1/hook', '192.168.1.1', 'a private address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254', 'a link-local address'],
    ['https://100.64.0.1/hook', '100.64.0.1', 'a carrier-grade NAT (shared) address'],
    ['https://100.127.255.255/hook', '100.127.255.255', 'a carrier-grade NAT (shared) address'],
    ['https://0.0.0.0/hook', '0.0.0.0', 'an unspecified ("this network") address'],
    ['https://0.1.2.3/hook', '0.1.2.3', 'an unspecified ("this network") address'],
    ['https://224.0.0.1/hook', '224.0.0.1', 'a multicast address'],
    ['https://255.255.255.255/hook', '255.255.255.255', 'a reserved or broadcast address'],
    // IPv4 spellings the URL parser normalizes
    ['https://2130706433/hook', '127.0.0.1', 'a loopback address'],
    ['https://0x7f000001/hook', '127.0.0.1', 'a loopback address'],
    ['https://0x7f.1/hook', '127.0.0.1', 'a loopback address'],
    ['https://0177.0.0.1/hook', '127.0.0.1', 'a loopback address'],
    ['https://017700000001/hook', '127.0.0.1', 'a loopback address'],
    ['https://127.1/hook', '127.0.0.1', 'a loopback address'],
    ['https://0/hook', '0.0.0.0', 'an unspecified ("this network") address'],
    ['https://3232235777/hook', '192.168.1.1', 'a private address'],
    ['https://0xa9.0xfe.0xa9.0xfe/hook', '169.254.169.254', 'a link-local address'],
    ['https://012.0.0.1/hook', '10.0.0.1', 'a private address'],
    ['https://127.0.0.1./hook', '127.0.0.1', 'a loopback address'],
    // IPv6
    ['https://[::1]/hook', '[::1]', 'a loopback address'],
    ['https://[0:0:0:0:0:0:0:1]/hook', '[::1]', 'a loopback address'],
    ['https://[::]/hook', '[::]', 'the unspecified address'],
    ['https://[fc00::1]/hook', '[fc00::1]', 'a unique-local address'],
    ['https://[fd12:3456:789a::1]/hook', '[fd12:3456:789a::1]', 'a unique-local address'],
    ['https://[fe80::1]/hook', '[fe80::1]', 'a link-local address'],
    ['https://[febf::1]/hook', '[febf::1]', 'a link-local address'],
    ['https://[ff02::1]/hook', '[ff02::1]', 'a multicast address'],
    ['https://[::ffff:127.0.0.1]/hook', '[::ffff:7f00:1]', 'an IPv4-mapped IPv6 address of 127.0.0.1, a loopback address'],
    ['https://[::ffff:10.0.0.1]/hook', '[::ffff:a00:1]', 'an IPv4-mapped IPv6 address of 10.0.0.1, a private address'],
    [
      'https://[::ffff:a9fe:a9fe]/hook',
      '[::ffff:a9fe:a9fe]',
      'an IPv4-mapped IPv6 address of 169.254.169.254, a link-local address',
    ],
    ['https://[::127.0.0.1]/hook', '[::7f00:1]', 'an IPv4-compatible IPv6 address of 127.0.0.1, a loopback address'],
    ['https://[64:ff9b::192.168.0.1]/hook', '[64:ff9b::c0a8:1]', 'a NAT64 IPv6 address of 192.168.0.1, a private address'],
    ['https://[2002:7f00:1::]/hook', '[2002:7f00:1::]', 'a 6to4 IPv6 address of 127.0.0.1, a loopback address'],
  ])('production refuses %s (%s, %s)', (url, host, what) => {
    expect(webhookUrlProblem(url, PROD)).toBe(`Webhooks must go to a public host: ${host} is ${what}.`);
  });

  it('public neighbours of the blocked ranges are accepted', () => {
    for (const url of [
      'https://172.15.255.255/h',
      'https://172.32.0.1/h',
      'https://100.63.255.255/h',
      'https://100.128.0.1/h',
      'https://169.253.1.1/h',
      'https://11.0.0.1/h',
      'https://223.255.255.255/h',
      'https://[::ffff:203.0.113.10]/h',
      'https://[64:ff9b::8.8.8.8]/h',
      'https://[2606:4700::1111]/h',
      'https://localhost.shop.example/h',
      'https://internal.shop.example/h',
    ])
      expect(webhookUrlProblem(url, PROD), url).toBeNull();
  });

  it('hostProblem reads the host names the URL parser produces', () => {
    expect(hostProblem(new URL('https://0x7f.1/').hostname)).toBe('127.0.0.1 is a loopback address.');
    expect(hostProblem('shop.example')).toBeNull();
  });
});
