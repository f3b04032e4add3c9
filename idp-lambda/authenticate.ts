// The identity provider's decision: a pure function of the event and the user's secret.
// Every refusal is `{}` to Transfer and a reason code to the log; nothing here throws.
// Everything that restricts or scopes a session fails closed: a value that does not parse denies.
import * as crypto from "crypto";
import { DEFAULT_SCRYPT_PARAMS, DUMMY_PASSWORD_HASH, parsePasswordHash, passwordProblem, ScryptParams, verifyPassword } from "./password-hash";
import { SecretStore } from "./secret-store";
import { parseRanges, Range, sourceAllowed } from "./source-address";
import { IAM_ROLE_ARN, secretNameFor, TRANSFER_SERVER_ID, TRANSFER_USER_NAME } from "./transfer-names";

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

/** Every reason code the log carries: how a login was granted, or why it was denied (README). */
export const REASONS = [
    "password-ok", "public-keys",
    "bad-event", "bad-username", "bad-server-id", "bad-protocol", "empty-password", "bad-password",
    "no-such-user", "secret-store-error", "malformed-secret",
    "bad-source-restriction", "source-ip-not-allowed",
    "no-password-in-secret", "bad-password-in-secret", "bad-password-hash", "hash-error", "wrong-password",
    "no-public-keys", "no-role", "bad-role", "bad-policy", "bad-home-directory",
    "internal-error",
] as const;
export type Reason = (typeof REASONS)[number];
/** The reasons a login is denied for. */
export const DENIAL_REASONS = REASONS.filter((r) => r !== "password-ok" && r !== "public-keys");

/** secretName is set exactly when a lookup happened (so the log can say what the cache did). */
export type Decision =
    | { granted: true; reason: Reason; response: TransferResponse; secretName: string }
    | { granted: false; reason: Reason; secretName?: string };

/** Verifies a password against a stored hash; passed in so a failing hash function can be tested. */
export type PasswordVerifier = (password: string, encoded: string) => Promise<boolean>;

export { secretNameFor };
export const USERNAME_PATTERN = TRANSFER_USER_NAME;
export const SERVER_ID_PATTERN = TRANSFER_SERVER_ID;
export const PROTOCOLS = ["FTP", "FTPS", "SFTP"] as const;
/** Transfer's limit on a session policy. */
export const MAX_POLICY_LENGTH = 2048;

const PASSWORD_PROTOCOLS = new Set(["FTP", "FTPS"]);
const POLICY_VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
// S3's rule, with the dotted-quad and ".." shapes S3 refuses.
const BUCKET = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Transfer's limit on an Entry, a Target or a HomeDirectory. */
const MAX_PATH_LENGTH = 1024;

function parseEvent(event: unknown): TransferEvent | undefined {
    if (typeof event !== "object" || event === null) return undefined;
    const e = event as Record<string, unknown>;
    for (const key of ["username", "serverId", "protocol", "sourceIp"]) if (typeof e[key] !== "string") return undefined;
    if (e.password !== undefined && typeof e.password !== "string") return undefined;
    return { username: e.username as string, serverId: e.serverId as string, protocol: e.protocol as string, sourceIp: e.sourceIp as string, password: e.password as string | undefined };
}

// Own keys only: JSON.parse never sets a prototype, but `secret.constructor` would still answer.
function own(secret: Record<string, unknown>, key: string): unknown {
    return Object.prototype.hasOwnProperty.call(secret, key) ? secret[key] : undefined;
}

/**
 * AWS's Secrets Manager blog sample reads every key protocol-first: `FTPPassword` over `Password`,
 * `SFTPPublicKey` over `PublicKey`, `FTPSAcceptedIpNetwork` over `AcceptedIpNetwork`, and so on
 * (https://aws.amazon.com/blogs/storage/enable-password-authentication-for-aws-transfer-family-using-aws-secrets-manager-updated/).
 */
function forProtocol(secret: Record<string, unknown>, key: string, protocol: string): unknown {
    const specific = own(secret, `${protocol}${key}`);
    return specific !== undefined ? specific : own(secret, key);
}

function sameCost(a: ScryptParams, b: ScryptParams): boolean {
    return a.ln === b.ln && a.r === b.r && a.p === b.p;
}

// Digests first: equal-length buffers, so the comparison takes the same time whatever the lengths.
function constantTimeEquals(a: string, b: string): boolean {
    const digest = (s: string) => crypto.createHash("sha256").update(s, "utf8").digest();
    return crypto.timingSafeEqual(digest(a), digest(b));
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** Every key a secret may hold, with or without a protocol prefix. */
const SECRET_KEYS = ["Password", "PasswordHash", "PublicKey", "Role", "Policy", "HomeDirectoryDetails", "HomeDirectory", "HomeDirectoryType",
    "AcceptedIpNetwork", "AllowedSourceCidrs"];
const KNOWN_KEYS = new Set(["", "FTP", "FTPS", "SFTP"].flatMap((prefix) => SECRET_KEYS.map((key) => `${prefix}${key}`)));
const fold = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");
const KNOWN_FOLDED = [...KNOWN_KEYS].map(fold);

/** True when two folded keys are one edit apart (a letter missing, extra or changed). */
function oneEditApart(a: string, b: string): boolean {
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    const [restA, restB] = [a.slice(i), b.slice(i)];
    return restA.slice(1) === restB.slice(1) || restA === restB.slice(1) || restA.slice(1) === restB;
}

/**
 * A key that is almost one of ours (`AcceptedIPNetwork`, "Policy ", `FTP_AcceptedIpNetwork`,
 * `AcceptedIpNetworks`, `AllowedSourceCidr`) or holds anything but printable ASCII: the operator
 * meant a restriction that would otherwise be silently ignored, so the login fails closed. Keys
 * far from ours (a `Description`, say) are left alone.
 */
function nearMissKey(secret: Record<string, unknown>): string | undefined {
    return Object.keys(secret).find((key) => {
        if (KNOWN_KEYS.has(key)) return false;
        if (!/^[\x21-\x7e]+$/.test(key)) return true;
        const folded = fold(key);
        return KNOWN_FOLDED.some((known) => folded === known || (folded.length >= 6 && oneEditApart(folded, known)));
    });
}

/**
 * The ranges the source must lie in, one list per restriction that applies (all must admit it), or
 * "bad" when any restriction key in the secret, for any protocol, does not parse.
 */
function sourceRestrictions(secret: Record<string, unknown>, protocol: string): Range[][] | "bad" {
    for (const key of Object.keys(secret)) {
        if (!/^(?:FTP|FTPS|SFTP)?(?:AcceptedIpNetwork|AllowedSourceCidrs)$/.test(key)) continue;
        if (!parseRanges(secret[key])) return "bad";
    }
    const lists: Range[][] = [];
    for (const key of ["AllowedSourceCidrs", "AcceptedIpNetwork"]) {
        const value = forProtocol(secret, key, protocol);
        if (value !== undefined) lists.push(parseRanges(value) as Range[]);
    }
    return lists;
}

type Credential = { kind: "hash"; encoded: unknown } | { kind: "plain"; value: unknown } | { kind: "none" };

// Protocol-specific credentials first, as in AWS's sample; within a tier, a hash beats plaintext.
function credentialFor(secret: Record<string, unknown>, protocol: string): Credential {
    const prefix = own(secret, `${protocol}PasswordHash`) !== undefined || own(secret, `${protocol}Password`) !== undefined ? protocol : "";
    const hash = own(secret, `${prefix}PasswordHash`);
    if (hash !== undefined) return { kind: "hash", encoded: hash };
    const plain = own(secret, `${prefix}Password`);
    if (plain !== undefined) return { kind: "plain", value: plain };
    return { kind: "none" };
}

/** A session policy: a JSON policy document held in a string of at most 2048 characters. */
function sessionPolicy(value: unknown): string | undefined {
    if (typeof value !== "string" || value.length === 0 || value.length > MAX_POLICY_LENGTH) return undefined;
    const document = safeJson(value);
    if (typeof document !== "object" || document === null || Array.isArray(document)) return undefined;
    const { Version: version, Statement: statement } = document as Record<string, unknown>;
    if (version !== undefined && !POLICY_VERSIONS.has(version as string)) return undefined;
    const statements = Array.isArray(statement) ? statement : [statement];
    if (statements.length === 0) return undefined;
    if (statements.some((s) => typeof s !== "object" || s === null || Array.isArray(s) || !["Allow", "Deny"].includes((s as Record<string, unknown>).Effect as string))) return undefined;
    // What was checked is what is sent: with a duplicate key, IAM could read another value than JSON.parse did.
    const rendered = JSON.stringify(document);
    return rendered.length <= MAX_POLICY_LENGTH ? rendered : undefined;
}

// Path segments: no empty, `.` or `..` segment, nothing unprintable.
function cleanSegments(segments: string[]): boolean {
    return segments.every((s) => s !== "" && s !== "." && s !== ".." && !/\p{Cc}/u.test(s));
}

/** `/` or `/a/b`: absolute, no `.`/`..` segments. */
function isEntry(value: unknown): boolean {
    if (typeof value !== "string" || !value.startsWith("/") || Buffer.byteLength(value) > MAX_PATH_LENGTH) return false;
    return value === "/" || cleanSegments(value.slice(1).split("/"));
}

/** `/<bucket>` or `/<bucket>/<key prefix>` (one trailing slash allowed), no `.`/`..` segments. */
function isTarget(value: unknown): boolean {
    if (typeof value !== "string" || !value.startsWith("/") || Buffer.byteLength(value) > MAX_PATH_LENGTH) return false;
    const segments = value.slice(1).replace(/\/$/, "").split("/");
    return BUCKET.test(segments[0]) && cleanSegments(segments);
}

function homeDirectoryDetails(value: unknown): string | undefined {
    const entries = typeof value === "string" ? safeJson(value) : value;
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    const ok = entries.every((e) => typeof e === "object" && e !== null && !Array.isArray(e)
        && Object.keys(e).length === 2 && isEntry(e.Entry) && isTarget(e.Target));
    // One target per entry: with two, which one Transfer applies is undefined.
    const distinct = new Set(entries.map((e) => (e as { Entry: string }).Entry)).size === entries.length;
    return ok && distinct ? JSON.stringify(entries) : undefined;
}

function publicKeys(value: unknown): string[] {
    return typeof value === "string" ? value.split(",").map((k) => k.trim()).filter((k) => k !== "") : [];
}

export async function authenticate(event: unknown, store: SecretStore, verify: PasswordVerifier = verifyPassword): Promise<Decision> {
    const e = parseEvent(event);
    if (!e) return { granted: false, reason: "bad-event" };
    if (!USERNAME_PATTERN.test(e.username)) return { granted: false, reason: "bad-username" };
    if (!SERVER_ID_PATTERN.test(e.serverId)) return { granted: false, reason: "bad-server-id" };
    if (!(PROTOCOLS as readonly string[]).includes(e.protocol)) return { granted: false, reason: "bad-protocol" };
    const passwordAuth = e.password !== undefined && e.password !== "";
    // Only SFTP has a public-key path; FTP and FTPS always need a password.
    if (!passwordAuth && PASSWORD_PROTOCOLS.has(e.protocol)) return { granted: false, reason: "empty-password" };
    if (passwordAuth && passwordProblem(e.password) !== undefined) return { granted: false, reason: "bad-password" };
    const password = e.password as string;

    const secretName = secretNameFor(e.serverId, e.username);
    let verified = false;
    // No oracle: every password refusal after the lookup costs one verification at the default cost,
    // so an unknown user, a refused address and a wrong password take the same time.
    const deny = async (reason: Reason): Promise<Decision> => {
        if (passwordAuth && !verified) await verify(password, DUMMY_PASSWORD_HASH).catch(() => false);
        return { granted: false, reason, secretName };
    };

    let body: string | undefined;
    try {
        body = await store.getSecretString(secretName);
    } catch {
        return deny("secret-store-error");
    }
    if (body === undefined) return deny("no-such-user");
    const parsed = safeJson(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return deny("malformed-secret");
    const secret = parsed as Record<string, unknown>;
    if (nearMissKey(secret) !== undefined) return deny("malformed-secret");

    const restrictions = sourceRestrictions(secret, e.protocol);
    if (restrictions === "bad") return deny("bad-source-restriction");
    if (!restrictions.every((ranges) => sourceAllowed(e.sourceIp, ranges))) return deny("source-ip-not-allowed");

    const response: TransferResponse = {};
    let reason: Reason;
    if (passwordAuth) {
        const credential = credentialFor(secret, e.protocol);
        if (credential.kind === "none") return deny("no-password-in-secret");
        if (credential.kind === "hash") {
            const stored = parsePasswordHash(credential.encoded);
            // Only the default cost: a cheaper or dearer hash would make a wrong password take another
            // time than an unknown user (the dummy's), telling which names exist. FtpUser re-hashes every
            // user at the default on the next `pulumi up`, so raising it moves everyone at once.
            if (!stored.ok || !sameCost(stored.params, DEFAULT_SCRYPT_PARAMS)) return deny("bad-password-hash");
            let matches: boolean;
            try {
                matches = await verify(password, credential.encoded as string);
            } catch {
                verified = true;
                return deny("hash-error");
            }
            verified = true;
            if (!matches) return deny("wrong-password");
        } else {
            if (passwordProblem(credential.value) !== undefined) return deny("bad-password-in-secret");
            if (!constantTimeEquals(password, credential.value as string)) return deny("wrong-password");
        }
        reason = "password-ok";
    } else {
        const keys = publicKeys(forProtocol(secret, "PublicKey", e.protocol));
        if (keys.length === 0) return deny("no-public-keys");
        response.PublicKeys = keys;
        reason = "public-keys";
    }

    // Scope: checked after the credential, so only the password's holder learns that a secret is broken.
    const role = forProtocol(secret, "Role", e.protocol);
    if (role === undefined || role === "") return deny("no-role");
    if (typeof role !== "string" || !IAM_ROLE_ARN.test(role)) return deny("bad-role");
    const rawPolicy = forProtocol(secret, "Policy", e.protocol);
    const policy = rawPolicy === undefined ? undefined : sessionPolicy(rawPolicy);
    if (rawPolicy !== undefined && policy === undefined) return deny("bad-policy");
    // The home as a whole, protocol first: any protocol-specific home key means the generic ones are not used.
    const homePrefix = ["HomeDirectoryDetails", "HomeDirectory", "HomeDirectoryType"].some((k) => own(secret, `${e.protocol}${k}`) !== undefined) ? e.protocol : "";
    const details = own(secret, `${homePrefix}HomeDirectoryDetails`);
    const home = own(secret, `${homePrefix}HomeDirectory`);
    const homeType = own(secret, `${homePrefix}HomeDirectoryType`);
    let homeResponse: TransferResponse = {};
    if (details !== undefined) {
        const rendered = homeDirectoryDetails(details);
        if (!rendered || (homeType !== undefined && homeType !== "LOGICAL")) return deny("bad-home-directory");
        homeResponse = { HomeDirectoryDetails: rendered, HomeDirectoryType: "LOGICAL" };
    } else if (home !== undefined) {
        // A LOGICAL type without mappings, at either level, would leave Transfer a PATH home, which is no chroot.
        const logicalAnywhere = [own(secret, "HomeDirectoryType"), own(secret, `${e.protocol}HomeDirectoryType`)].some((t) => t !== undefined && t !== "PATH");
        if (!isTarget(home) || logicalAnywhere) return deny("bad-home-directory");
        homeResponse = { HomeDirectory: home as string };
    } else if (homeType !== undefined) return deny("bad-home-directory");
    return {
        granted: true, reason, secretName,
        response: { Role: role, ...(policy !== undefined ? { Policy: policy } : {}), ...homeResponse, ...response },
    };
}
