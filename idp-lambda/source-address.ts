// Source-address restrictions, parsed strictly: ipaddr.js alone accepts forms an operator never
// means (`010.1.1.1` is octal, `10.1` and `0xa.0.0.1` are short or hex forms), so IPv4 must be four
// decimal parts without leading zeros, and IPv6 may not carry a zone.
import * as ipaddr from "ipaddr.js";

export type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const IPV4_PART = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
const IPV4_TAIL = new RegExp(`:${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

/** One address, IPv4 in four-part decimal or IPv6 (an embedded IPv4 tail held to the same rule). */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
    if (IPV4.test(text)) return ipaddr.IPv4.parse(text);
    if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return undefined;
    if (text.includes(".") && !IPV4_TAIL.test(text)) return undefined;
    return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : undefined;
}

/** `a.b.c.d/n`, `x::/n` or a bare address (/32, /128); host bits must be zero, as Python's ip_network. */
export function parseRange(text: string): Range | undefined {
    const [addressText, prefixText, ...rest] = text.trim().split("/");
    if (rest.length > 0) return undefined;
    const address = parseAddress(addressText);
    if (!address) return undefined;
    const width = address.kind() === "ipv4" ? 32 : 128;
    if (prefixText !== undefined && !PREFIX.test(prefixText)) return undefined;
    const bits = prefixText === undefined ? width : Number(prefixText);
    if (bits > width) return undefined;
    const network = address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
    if (network.toString() !== address.toString()) return undefined;
    return [address, bits];
}

/** A list of ranges from a JSON array or a comma-separated string; undefined when any item fails or none is given. */
export function parseRanges(value: unknown): Range[] | undefined {
    const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : undefined;
    if (!items || items.length === 0) return undefined;
    const ranges: Range[] = [];
    for (const item of items) {
        const range = typeof item === "string" ? parseRange(item) : undefined;
        if (!range) return undefined;
        ranges.push(range);
    }
    return ranges;
}

// An IPv4 client is also ::ffff:a.b.c.d, so an IPv4-mapped IPv6 range admits it.
function forms(address: ipaddr.IPv4 | ipaddr.IPv6): (ipaddr.IPv4 | ipaddr.IPv6)[] {
    if (address.kind() === "ipv6") {
        const v6 = address as ipaddr.IPv6;
        return v6.isIPv4MappedAddress() ? [v6.toIPv4Address(), v6] : [v6];
    }
    return [address, (address as ipaddr.IPv4).toIPv4MappedAddress()];
}

/** True when the (strictly parsed) source address lies in one of the ranges. */
export function sourceAllowed(sourceIp: string, ranges: Range[]): boolean {
    const address = parseAddress(sourceIp);
    if (!address) return false;
    return forms(address).some((form) => ranges.some(([network, bits]) => network.kind() === form.kind() && form.match([network, bits] as never)));
}
