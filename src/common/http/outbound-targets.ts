import { lookup as dnsLookup, promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Address ranges an outbound call (a client app's webhook endpoint, a browser push service) must never
 * reach outside sandbox mode, so a URL cannot make SmartPay probe its own network (SSRF): loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local IPv6,
 * multicast, documentation and reserved ranges. IPv4-mapped and NAT64 IPv6 addresses are checked as
 * the IPv4 address they carry.
 */
const DENIED_V4 = [
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
] as const;
const DENIED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const;

const denied = new BlockList();
for (const [net, prefix] of DENIED_V4) denied.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of DENIED_V6) denied.addSubnet(net, prefix, 'ipv6');

export type TargetProblem = string;

export interface OutboundTargetOptions {
  /** Sandbox mode: anything goes, localhost included (a developer's own endpoint). */
  allowAny: boolean;
  /** CIDR blocks allowed although they fall in a denied range (SMARTPAY_WEBHOOK_ALLOWED_NETWORKS). */
  allowedNetworks: readonly string[];
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedV4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * Which URLs and addresses outbound calls may use. `checkUrl` refuses what can be refused without the
 * network (scheme, credentials, literal private addresses, `localhost`); `lookup` is handed to the HTTP
 * client's connector so every connection checks the addresses a name resolves to at connect time —
 * the check and the connection use the same answer, so DNS rebinding between them is not possible.
 */
export class OutboundTargets {
  private readonly allowed = new BlockList();

  constructor(private readonly options: OutboundTargetOptions) {
    for (const cidr of options.allowedNetworks) {
      const [net, prefix] = cidr.split('/');
      this.allowed.addSubnet(net!, Number(prefix), isIP(net!) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** A problem with the URL itself, or null. */
  checkUrl(raw: string): TargetProblem | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'not a valid URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http and https URLs are allowed';
    if (url.username || url.password) return 'credentials in the URL are not allowed';
    if (this.options.allowAny) return null;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return this.checkAddress(host);
    if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return `${host} is not a public host name`;
    return null;
  }

  /**
   * `checkUrl`, then the addresses the host resolves to now. A name that does not resolve (yet) passes:
   * every connection checks again when it resolves the name (`lookup`).
   */
  async checkUrlAndAddresses(raw: string): Promise<TargetProblem | null> {
    const problem = this.checkUrl(raw);
    if (problem || this.options.allowAny) return problem;
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return null;
    let addresses: LookupAddress[];
    try {
      addresses = await dns.lookup(host, { all: true });
    } catch {
      return null;
    }
    for (const a of addresses) {
      const refused = this.checkAddress(a.address);
      if (refused) return `${host} resolves to ${refused}`;
    }
    return null;
  }

  /** A problem with one resolved address, or null. */
  checkAddress(address: string): TargetProblem | null {
    if (this.options.allowAny) return null;
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const v4 = family === 6 ? embeddedV4(address) : address;
    const [ip, type] = v4 ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
    if (this.allowed.check(ip, type)) return null;
    return denied.check(ip, type) ? `${address} is a private, loopback, link-local or reserved address` : null;
  }

  /**
   * A `dns.lookup`-compatible resolver for the HTTP connector: resolves every address of the name and
   * fails the connection when any of them is refused (a name mixing public and private answers is
   * refused as a whole, so which one a retry picks cannot matter).
   */
  readonly lookup = (hostname: string, options: { family?: number; all?: boolean }, callback: (...args: unknown[]) => void): void => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const problem = addresses.map((a) => this.checkAddress(a.address)).find((p) => p !== null);
      if (problem) {
        const refused = Object.assign(new Error(`${hostname} resolves to a refused address: ${problem}`), { code: 'EREFUSEDTARGET' });
        return callback(refused);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
      callback(null, first.address, first.family);
    });
  };
}
