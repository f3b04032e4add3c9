// Source-address restrictions, parsed strictly: ipaddr.js alone accepts forms an operator never
// means (`010.1.1.1` is octal, `10.1` and `0xa.0.0.1` are short or hex forms), so IPv4 must be four
// decimal parts without leading zeros, and IPv6 may not carry a zone.
import * as ipaddr from "ipaddr.js";

export type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const IPV4_PART = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
// A dotted IPv4 tail only in the IPv4-mapped form: ipaddr.js also reads `::10.0.0.5` as mapped.
const IPV4_TAIL = new RegExp(`^::ffff:${IPV4_PART}(?:\\.${IPV4_PART}){3}$`, "i");
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

const MAPPED: Range = [ipaddr.IPv6.parse("::ffff:0:0"), 96];

/**
 * An IPv6 range as the IPv4 range it maps, when it lies inside ::ffff:0:0/96 (`::ffff:10.0.0.0/104`
 * is 10.0.0.0/8); otherwise it speaks of IPv6 clients only. `::/0` must not admit every IPv4 client.
 */
function asIpv4Range([network, bits]: Range): Range | undefined {
    if (network.kind() !== "ipv6" || bits < 96 || !(network as ipaddr.IPv6).match(MAPPED as never)) return undefined;
    return [(network as ipaddr.IPv6).toIPv4Address(), bits - 96];
}

/** True when the (strictly parsed) source address lies in one of the ranges. */
export function sourceAllowed(sourceIp: string, ranges: Range[]): boolean {
    const parsed = parseAddress(sourceIp);
    if (!parsed) return false;
    // An IPv4 client seen over IPv6 (::ffff:a.b.c.d) is the IPv4 client.
    const address = parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
    return ranges.some((range) => {
        const [network, bits] = address.kind() === "ipv4" ? asIpv4Range(range) ?? range : range;
        return network.kind() === address.kind() && address.match([network, bits] as never);
    });
}
