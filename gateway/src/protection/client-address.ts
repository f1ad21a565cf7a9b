import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address anonymous callers are counted under. Behind `trustedProxyHops`
 * proxies, each appending to X-Forwarded-For, the client is the entry that
 * many places from the end; entries before it are whatever the client wrote
 * and are ignored. Without trusted proxies the header is ignored entirely.
 */
export function clientAddress(request: IncomingMessage, trustedProxyHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops === 0) return addressKey(peer);
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const candidate = hops[Math.max(0, hops.length - trustedProxyHops)];
  return addressKey(candidate !== undefined && (isIPv4(stripMapping(candidate)) || isIPv6(candidate)) ? candidate : peer);
}

/**
 * IPv4 addresses as they are; IPv6 by their /64 network, because one
 * subscriber is routinely given a whole /64 and could otherwise rotate through
 * 2^64 addresses to escape its limit.
 */
export function addressKey(address: string): string {
  const plain = stripMapping(address);
  if (isIPv4(plain)) return plain;
  if (!isIPv6(plain)) return plain;
  return `${expandIPv6(plain).slice(0, 4).join(':')}::/64`;
}

/** `::ffff:1.2.3.4` is an IPv4 client on a dual-stack socket. */
function stripMapping(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** The eight groups of an IPv6 address, without `::` shorthand or a zone. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = Math.max(0, 8 - left.length - right.length);
  return [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right].map((group) =>
    group.includes('.') ? group : group.replace(/^0+(?=.)/, ''),
  );
}
