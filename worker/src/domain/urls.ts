/**
 * Rules for the URLs a shop configures. Pure: the environment comes in as `{ local }` (see
 * lib/environment.ts), because it is known only at request time.
 *
 * - Product `url` / `imageUrl`: an absolute https URL, or a path on this worker starting with a
 *   single "/" (the demo shop's `/shop/product?sku=…`). http: only in local development.
 * - A shop's `webhookUrl`: an absolute https URL (http: only locally). Outside local development
 *   its host must be public: no loopback, private, link-local, CGNAT, unspecified, unique-local,
 *   multicast or reserved address (IPv4, IPv6, IPv4-mapped/compatible/NAT64/6to4 IPv6, and every
 *   IPv4 spelling `new URL()` normalizes: decimal, hex, octal, short forms), and no local-only name
 *   (`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.home.arpa`, `*.localdomain`, or a name
 *   without a dot). A public name that resolves to a private address cannot be seen here: delivery
 *   must not follow redirects and runs on Cloudflare's network, which does not reach private ones.
 *
 * Every function returns the problem as a sentence, or null when the URL is acceptable.
 */

export interface UrlContext {
  /** local development (ENVIRONMENT=development): http: and private webhook hosts are accepted */
  local: boolean;
}

/** Whitespace and control characters are refused anywhere: `new URL()` would silently strip some. */
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/;

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function schemeProblem(url: URL, { local }: UrlContext): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return local ? null : 'Must be an https URL (http is accepted only in local development).';
  return `Must be an http(s) URL, not ${url.protocol}.`;
}

/**
 * A product's `url` or `imageUrl`.
 * @example productUrlProblem('/shop/product?sku=oolong-250g', { local: false }) // null
 * @example productUrlProblem('http://shop.example/p', { local: false }) // "Must be an https URL …"
 */
export function productUrlProblem(value: string, context: UrlContext): string | null {
  if (UNSAFE_CHARACTERS.test(value)) return 'Must not contain spaces or control characters.';
  if (value.startsWith('/')) {
    // resolved against this worker's origin, a path must stay on it ("//host" and "/\host" do not)
    const self = 'https://worker.invalid';
    return parse(`${self}${value}`)?.origin === self && !value.startsWith('//') && !value.startsWith('/\\')
      ? null
      : 'A path must start with a single "/" and stay on this worker.';
  }
  const url = parse(value);
  if (!url) return 'Must be an absolute http(s) URL, or a path on this worker starting with "/".';
  return schemeProblem(url, context);
}

/**
 * A shop's `webhookUrl`.
 * @example webhookUrlProblem('https://hooks.shop.example/sharecart', { local: false }) // null
 * @example webhookUrlProblem('https://2130706433/', { local: false }) // "… 127.0.0.1 is a loopback address …"
 */
export function webhookUrlProblem(value: string, context: UrlContext): string | null {
  if (UNSAFE_CHARACTERS.test(value)) return 'Must not contain spaces or control characters.';
  const url = parse(value);
  if (!url) return 'Must be an absolute https URL.';
  const scheme = schemeProblem(url, context);
  if (scheme) return scheme;
  if (context.local) return null;
  const host = hostProblem(url.hostname);
  return host ? `Webhooks must go to a public host: ${host}` : null;
}

/** Why a (URL-normalized) host name is not public, or null. */
export function hostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups) return `${hostname} is not a valid IPv6 address.`;
    const why = ipv6Problem(groups);
    return why ? `${hostname} is ${why}.` : null;
  }
  const v4 = parseIpv4(host);
  if (v4) {
    const why = ipv4Problem(v4);
    return why ? `${host} is ${why}.` : null;
  }
  for (const suffix of ['localhost', 'local', 'internal', 'home.arpa', 'localdomain']) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return `${host} is a local-only name.`;
  }
  if (!host.includes('.')) return `${host} is not a public host name.`;
  return null;
}

function parseIpv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** Blocked IPv4 ranges: [first octets, prefix length, what it is]. */
const IPV4_BLOCKED: Array<[number[], number, string]> = [
  [[0], 8, 'an unspecified ("this network") address'],
  [[10], 8, 'a private address'],
  [[100, 64], 10, 'a carrier-grade NAT (shared) address'],
  [[127], 8, 'a loopback address'],
  [[169, 254], 16, 'a link-local address'],
  [[172, 16], 12, 'a private address'],
  [[192, 0, 0], 24, 'an IETF protocol-assignment address'],
  [[192, 168], 16, 'a private address'],
  [[198, 18], 15, 'a benchmarking address'],
  [[224], 4, 'a multicast address'],
  [[240], 4, 'a reserved or broadcast address'],
];

function ipv4Problem(octets: number[]): string | null {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  for (const [start, bits, what] of IPV4_BLOCKED) {
    const base = ((start[0] ?? 0) * 2 ** 24 + (start[1] ?? 0) * 2 ** 16 + (start[2] ?? 0) * 2 ** 8) >>> 0;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === base) return what;
  }
  return null;
}

/** Eight 16-bit groups, or null. Accepts "::" compression and a dotted IPv4 tail. */
function parseIpv6(text: string): number[] | null {
  let tail: number[] = [];
  let body = text;
  const dotted = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]!);
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    body = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = Array.from({ length: 8 - known }, () => 0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

function ipv6Problem(g: number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = () => [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  if (zeroUpTo(8)) return 'the unspecified address';
  if (zeroUpTo(7) && g[7] === 1) return 'a loopback address';
  if (zeroUpTo(5) && g[5] === 0xffff) return embeddedProblem('an IPv4-mapped', embedded());
  if (zeroUpTo(6)) return embeddedProblem('an IPv4-compatible', embedded());
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embeddedProblem('a NAT64', embedded());
  if (g[0] === 0x2002) return embeddedProblem('a 6to4', [g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  if ((g[0]! & 0xfe00) === 0xfc00) return 'a unique-local address';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'a site-local address';
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address';
  if (g[0] === 0x100 && zeroUpTo(4)) return 'a discard-only address';
  return null;
}

function embeddedProblem(kind: string, octets: number[]): string | null {
  const why = ipv4Problem(octets);
  return why ? `${kind} IPv6 address of ${octets.join('.')}, ${why}` : null;
}
