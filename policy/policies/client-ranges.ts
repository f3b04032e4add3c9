import { StackValidationPolicy } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { WIDEST_CLIENT_PREFIX } from "../../infra/model";
import { ingressOf } from "./network";

type Family = "ipv4" | "ipv6";
const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** A CIDR as the first and last address it covers, as integers. */
function interval(cidr: string): { family: Family; bits: number; start: bigint; end: bigint } | undefined {
    if (!ipaddr.isValidCIDR(cidr)) return undefined;
    const [address, bits] = ipaddr.parseCIDR(cidr);
    const family = address.kind();
    const value = address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
    const size = 1n << BigInt(BITS[family] - bits);
    const start = value - (value % size);
    return { family, bits, start, end: start + size - 1n };
}

/** Whether the ranges, taken together, cover every address of the family. */
export function coversEverything(cidrs: string[], family: Family): boolean {
    const ranges = cidrs.map(interval).filter((r): r is NonNullable<typeof r> => r?.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let next = 0n;
    for (const r of ranges) {
        if (r.start > next) return false;
        if (r.end + 1n > next) next = r.end + 1n;
    }
    return next === 1n << BigInt(BITS[family]);
}

/**
 * IPv4 ranges that are not the public internet (RFC 6890: this network, private, shared, loopback,
 * link-local, multicast, reserved): clients that cover everything else are the internet in pieces.
 */
const NOT_THE_INTERNET_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"];
/** IPv6 ranges that are not the public internet: unspecified and loopback, unique local, link-local, multicast. */
const NOT_THE_INTERNET_V6 = ["::/127", "fc00::/7", "fe80::/10", "ff00::/8"];

export const clientRangesClosed: StackValidationPolicy = {
    name: "client-ranges-closed",
    description: `Ingress ranges judged as a set: together they never cover 0.0.0.0/0 or ::/0 (private and reserved ranges aside), and none is wider than the config accepts (/${WIDEST_CLIENT_PREFIX.ipv4} for IPv4, /${WIDEST_CLIENT_PREFIX.ipv6} for IPv6).`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const sources: { cidr: string; urn: string }[] = [];
        for (const r of args.resources) for (const rule of ingressOf(r.type, r.props)) for (const cidr of rule.sources) sources.push({ cidr, urn: r.urn });
        for (const { cidr, urn } of sources) {
            const range = interval(cidr);
            // A single /0 is no-world-ingress's to name.
            if (!range || range.bits === 0) continue;
            const widest = WIDEST_CLIENT_PREFIX[range.family];
            if (range.bits < widest) reportViolation(`ingress from ${cidr} is wider than /${widest}: a closed FTP service names its client networks, not swaths of the internet`, urn);
        }
        for (const family of ["ipv4", "ipv6"] as const) {
            const cidrs = sources.map((s) => s.cidr);
            if (cidrs.some((c) => interval(c)?.family === family && interval(c)?.bits === 0)) continue;
            if (coversEverything([...cidrs, ...(family === "ipv4" ? NOT_THE_INTERNET_V4 : NOT_THE_INTERNET_V6)], family)) {
                const parts = sources.filter((s) => interval(s.cidr)?.family === family);
                for (const urn of new Set(parts.map((p) => p.urn))) {
                    reportViolation(`the ingress ranges of this stack together cover every public address of ${family === "ipv4" ? "0.0.0.0/0" : "::/0"} (${parts.length} ranges: ${parts.slice(0, 8).map((p) => p.cidr).join(", ")}${parts.length > 8 ? ", …" : ""}): that is the internet in pieces`, urn);
                }
            }
        }
    },
};
