import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

/** True for a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.x.x.x`) or `localhost`: reachable from this machine only. */
export function isLoopbackAddress(address: string): boolean {
    const host = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (host === 'localhost' || host.endsWith('.localhost')) return true;
    if (isIPv4(host)) return host.startsWith('127.');
    if (isIPv6(host)) return host === '::1' || /^::ffff:127\./.test(host) || /^(0{1,4}:){7}0{0,3}1$/.test(host);
    return false;
}

/** For the start-up line: who can reach a server listening on `address`. */
export function describeListenAddress(address: string): string {
    if (isLoopbackAddress(address)) return 'loopback: this machine only';
    if (address === '0.0.0.0') return 'every IPv4 interface';
    if (address === '::') return 'every interface';
    return 'this interface only';
}

/** A URL this machine reaches a listening server at: its own address, or loopback when it listens on every interface. */
export function localUrl(address: AddressInfo): string {
    const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    return `http://${isIPv6(host) ? `[${host}]` : host}:${address.port}`;
}
