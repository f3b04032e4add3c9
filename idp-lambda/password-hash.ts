// Salted, self-describing password hashes: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt b64>$<hash b64>`.
// The cost parameters travel inside the string, so they can be raised later without breaking old hashes.
import * as crypto from "crypto";

export interface ScryptParams {
    /** log2 of the CPU/memory cost N. */
    ln: number;
    r: number;
    p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 1 };
export const PASSWORD_SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds on each parameter a stored hash may name; MAX_SCRYPT_WORK bounds them together.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
/**
 * The most a stored hash may cost: N·r·p ≤ 2^18, twice the default. Memory is 128·N·r ≤ 32 MiB, far
 * inside the Lambda's 512 MB, and the work is ~0.1 s on one x86 core (~0.35 s on the ~0.3 vCPU of a
 * 512 MB Lambda), so a hostile or corrupt secret cannot make a login cost seconds.
 */
export const MAX_SCRYPT_WORK = 2 ** 18;
/** Longer passwords are refused before hashing (Transfer's own limit for a test password is 1024). */
export const MAX_PASSWORD_LENGTH = 1024;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function maxmem(params: ScryptParams): number {
    return 256 * (2 ** params.ln) * params.r + 1024 * 1024;
}

function encode(params: ScryptParams, salt: Buffer, key: Buffer): string {
    return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

function checkedParams(params: Partial<ScryptParams> = {}): ScryptParams {
    const merged = { ...DEFAULT_SCRYPT_PARAMS, ...params };
    for (const [name, [low, high]] of Object.entries(LIMITS)) {
        const value = merged[name as keyof ScryptParams];
        if (!Number.isInteger(value) || value < low || value > high) throw new Error(`scrypt parameter ${name}=${value} is outside ${low}..${high}`);
    }
    const work = 2 ** merged.ln * merged.r * merged.p;
    if (work > MAX_SCRYPT_WORK) throw new Error(`scrypt cost N·r·p=2^${Math.log2(work).toFixed(1)} (ln=${merged.ln}, r=${merged.r}, p=${merged.p}) is above the cap 2^${Math.log2(MAX_SCRYPT_WORK)}`);
    return merged;
}

/**
 * Why a password cannot be hashed or compared, or undefined when it can. scrypt keys HMAC with the
 * UTF-8 bytes, and HMAC pads a short key with zeros ("pw" and "pw\0" collide) while UTF-8 turns every
 * lone surrogate into U+FFFD ("\uD800" and "\uDC00" collide): both are refused, never normalised.
 * (HMAC also replaces a key over 64 bytes by its SHA-256; that second password can only be computed
 * from the first, so it grants nothing its holder did not already have.)
 */
export function passwordProblem(password: unknown): string | undefined {
    if (typeof password !== "string" || password.length === 0) return "is empty";
    if (password.length > MAX_PASSWORD_LENGTH) return `is longer than ${MAX_PASSWORD_LENGTH} characters`;
    if (password.includes("\0")) return "contains a NUL character";
    // With the u flag a surrogate pair is one code point, so \p{Cs} matches only a lone surrogate.
    if (/\p{Cs}/u.test(password)) return "contains a lone UTF-16 surrogate (not valid Unicode)";
    return undefined;
}

function checkedInputs(password: string, salt: Buffer): void {
    const problem = passwordProblem(password);
    if (problem) throw new Error(`password: ${problem === "is empty" ? "an empty password cannot be hashed" : problem}`);
    if (salt.length < PASSWORD_SALT_BYTES) throw new Error(`salt: ${salt.length} bytes; at least ${PASSWORD_SALT_BYTES} are needed`);
}

/** Hashes synchronously; the same password, salt and parameters give the same string. */
export function hashPassword(password: string, salt: Buffer, params?: Partial<ScryptParams>): string {
    checkedInputs(password, salt);
    const p = checkedParams(params);
    const key = crypto.scryptSync(password, salt, KEY_BYTES, { N: 2 ** p.ln, r: p.r, p: p.p, maxmem: maxmem(p) });
    return encode(p, salt, key);
}

function scrypt(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        crypto.scrypt(password, salt, length, { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: maxmem(params) }, (err, key) => (err ? reject(err) : resolve(key)));
    });
}

/** The same as hashPassword, off the event loop (libuv's thread pool), so many users hash in parallel. */
export async function hashPasswordAsync(password: string, salt: Buffer, params?: Partial<ScryptParams>): Promise<string> {
    checkedInputs(password, salt);
    const p = checkedParams(params);
    return encode(p, salt, await scrypt(password, salt, KEY_BYTES, p));
}

/**
 * A hash at the default cost whose key was drawn at random, not derived from any password: verifying
 * against it costs what a real verification costs, so a refusal with nothing to verify takes as long.
 */
export const DUMMY_PASSWORD_HASH = "$scrypt$ln=14,r=8,p=1$jJjwGUoMwGrHeKGRc6BUFQ==$OCjefSri/NzSrAyK34jAWPj5h1WX1B1AP7FBLgqDlZQ=";

export type ParsedHash = { ok: true; params: ScryptParams; salt: Buffer; key: Buffer } | { ok: false; problem: string };

export function parsePasswordHash(encoded: unknown): ParsedHash {
    if (typeof encoded !== "string") return { ok: false, problem: "not a string" };
    const match = FORMAT.exec(encoded);
    if (!match) return { ok: false, problem: "not in the $scrypt$ln=..,r=..,p=..$salt$hash format" };
    const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    try {
        checkedParams(params);
    } catch (err) {
        return { ok: false, problem: (err as Error).message };
    }
    const salt = Buffer.from(match[4], "base64");
    const key = Buffer.from(match[5], "base64");
    if (salt.length < PASSWORD_SALT_BYTES) return { ok: false, problem: `salt of ${salt.length} bytes is too short` };
    if (key.length < 16 || key.length > 64) return { ok: false, problem: `hash of ${key.length} bytes is out of range` };
    return { ok: true, params, salt, key };
}

/**
 * True only when the password matches. A malformed hash, one above the cost cap, or a password that
 * passwordProblem() refuses is false before any hashing; a failure of scrypt itself rejects.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
    const parsed = parsePasswordHash(encoded);
    if (!parsed.ok || passwordProblem(password) !== undefined) return false;
    const key = await scrypt(password, parsed.salt, parsed.key.length, parsed.params);
    return crypto.timingSafeEqual(key, parsed.key);
}
