// The identity provider's decision: a pure function of the event and the user's secret.
// Every refusal is `{}` to Transfer and a reason code to the log; nothing here throws.
import * as crypto from "crypto";
import * as ipaddr from "ipaddr.js";
import { TRANSFER_SERVER_ID, TRANSFER_USER_NAME } from "../infra/aws-facts";
import { parsePasswordHash, verifyPassword } from "./password-hash";
import { SecretStore } from "./secret-store";

/** What Transfer sends: password is absent or empty for SSH-key (SFTP) authentication. */
export interface TransferEvent {
    username: string;
    password?: string;
    protocol: string;
    serverId: string;
    sourceIp: string;
}

/** Transfer's response; `{}` means denied. */
export interface TransferResponse {
    Role?: string;
    Policy?: string;
    HomeDirectoryType?: "LOGICAL" | "PATH";
    HomeDirectory?: string;
    HomeDirectoryDetails?: string;
    PublicKeys?: string[];
}

export type Reason =
    | "password-ok" | "public-keys"
    | "bad-event" | "bad-username" | "bad-server-id" | "empty-password" | "no-such-user" | "secret-store-error"
    | "malformed-secret" | "no-role" | "bad-role" | "no-password-in-secret" | "bad-password-hash" | "wrong-password"
    | "no-public-keys" | "bad-home-directory" | "bad-allowed-cidrs" | "source-ip-not-allowed";

export type Decision =
    | { granted: true; reason: Reason; response: TransferResponse; secretName: string }
    | { granted: false; reason: Reason; secretName?: string };

export const USERNAME_PATTERN = TRANSFER_USER_NAME;
export const SERVER_ID_PATTERN = TRANSFER_SERVER_ID;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PASSWORD_PROTOCOLS = new Set(["FTP", "FTPS"]);

const deny = (reason: Reason, secretName?: string): Decision => ({ granted: false, reason, secretName });

export function secretNameFor(serverId: string, username: string): string {
    return `aws/transfer/${serverId}/${username}`;
}

function parseEvent(event: unknown): TransferEvent | undefined {
    if (typeof event !== "object" || event === null) return undefined;
    const e = event as Record<string, unknown>;
    for (const key of ["username", "serverId", "protocol", "sourceIp"]) if (typeof e[key] !== "string") return undefined;
    if (e.password !== undefined && typeof e.password !== "string") return undefined;
    return { username: e.username as string, serverId: e.serverId as string, protocol: e.protocol as string, sourceIp: e.sourceIp as string, password: e.password as string | undefined };
}

// Digests first: equal-length buffers, so the comparison takes the same time whatever the lengths.
function constantTimeEquals(a: string, b: string): boolean {
    const digest = (s: string) => crypto.createHash("sha256").update(s, "utf8").digest();
    return crypto.timingSafeEqual(digest(a), digest(b));
}

function parseCidrs(value: unknown): ipaddr.IPv4 | [ipaddr.IPv4 | ipaddr.IPv6, number][] | undefined {
    const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : undefined;
    if (!list || list.length === 0) return undefined;
    const parsed: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    for (const item of list) {
        if (typeof item !== "string" || !ipaddr.isValidCIDR(item.trim())) return undefined;
        parsed.push(ipaddr.parseCIDR(item.trim()));
    }
    return parsed;
}

function sourceAllowed(sourceIp: string, ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][]): boolean {
    if (!ipaddr.isValid(sourceIp)) return false;
    let address = ipaddr.parse(sourceIp);
    // An IPv4 client seen over IPv6 (::ffff:10.0.0.1) is the IPv4 client.
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match([network, bits] as never));
}

function homeDirectoryDetails(value: unknown): string | undefined {
    const entries = typeof value === "string" ? safeJson(value) : value;
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    const ok = entries.every((e) => typeof e === "object" && e !== null && typeof e.Entry === "string" && typeof e.Target === "string");
    return ok ? JSON.stringify(entries) : undefined;
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

export async function authenticate(event: unknown, store: SecretStore): Promise<Decision> {
    const e = parseEvent(event);
    if (!e) return deny("bad-event");
    if (!USERNAME_PATTERN.test(e.username)) return deny("bad-username");
    if (!SERVER_ID_PATTERN.test(e.serverId)) return deny("bad-server-id");
    const passwordAuth = e.password !== undefined && e.password !== "";
    if (!passwordAuth && PASSWORD_PROTOCOLS.has(e.protocol)) return deny("empty-password");

    const secretName = secretNameFor(e.serverId, e.username);
    let body: string | undefined;
    try {
        body = await store.getSecretString(secretName);
    } catch {
        return deny("secret-store-error", secretName);
    }
    if (body === undefined) return deny("no-such-user", secretName);
    const secret = safeJson(body);
    if (typeof secret !== "object" || secret === null || Array.isArray(secret)) return deny("malformed-secret", secretName);
    const s = secret as Record<string, unknown>;

    if (s.AllowedSourceCidrs !== undefined) {
        const ranges = parseCidrs(s.AllowedSourceCidrs);
        if (!ranges) return deny("bad-allowed-cidrs", secretName);
        if (!sourceAllowed(e.sourceIp, ranges as [ipaddr.IPv4 | ipaddr.IPv6, number][])) return deny("source-ip-not-allowed", secretName);
    }
    if (typeof s.Role !== "string" || s.Role === "") return deny("no-role", secretName);
    if (!ROLE_ARN.test(s.Role)) return deny("bad-role", secretName);

    const response: TransferResponse = { Role: s.Role };
    let reason: Reason;
    if (passwordAuth) {
        if (s.PasswordHash !== undefined) {
            if (!parsePasswordHash(s.PasswordHash).ok) return deny("bad-password-hash", secretName);
            if (!(await verifyPassword(e.password as string, s.PasswordHash as string))) return deny("wrong-password", secretName);
        } else if (typeof s.Password === "string" && s.Password !== "") {
            if (!constantTimeEquals(e.password as string, s.Password)) return deny("wrong-password", secretName);
        } else {
            return deny("no-password-in-secret", secretName);
        }
        reason = "password-ok";
    } else {
        const keys = typeof s.PublicKey === "string" ? s.PublicKey.split(",").map((k) => k.trim()).filter((k) => k !== "") : [];
        if (keys.length === 0) return deny("no-public-keys", secretName);
        response.PublicKeys = keys;
        reason = "public-keys";
    }

    if (typeof s.Policy === "string" && s.Policy !== "") response.Policy = s.Policy;
    if (s.HomeDirectoryDetails !== undefined) {
        const details = homeDirectoryDetails(s.HomeDirectoryDetails);
        if (!details) return deny("bad-home-directory", secretName);
        response.HomeDirectoryDetails = details;
        response.HomeDirectoryType = "LOGICAL";
    } else if (typeof s.HomeDirectory === "string" && s.HomeDirectory !== "") {
        response.HomeDirectory = s.HomeDirectory;
    }
    return { granted: true, reason, response, secretName };
}
