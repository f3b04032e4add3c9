// The Lambda entry point: parse, decide, log, answer. Clients are created once per process.
import { createHmac, randomBytes } from "crypto";
import { authenticate, Decision, TransferResponse } from "./authenticate";
import { logLogin, logWarning } from "./log";
import { CACHE_MAX_ENTRIES, CachedSecretStore, cacheTtlSecondsFrom, createSecretsManagerClient, SecretsManagerStore } from "./secret-store";

const ttl = cacheTtlSecondsFrom(process.env.SECRET_CACHE_TTL_SECONDS);
// A Lambda cannot refuse to start, so a bad TTL falls back to the default, loudly.
if (ttl.invalid !== undefined) logWarning("SECRET_CACHE_TTL_SECONDS is not a number of seconds from 0 to 3600; using the default", { value: ttl.invalid.slice(0, 32), default: ttl.seconds });
const store = new CachedSecretStore(new SecretsManagerStore(createSecretsManagerClient()), { ttlMs: ttl.seconds * 1000, maxEntries: CACHE_MAX_ENTRIES });

// Keyed per execution environment: the fingerprint tells repeats apart, and cannot confirm a guess offline.
const FINGERPRINT_KEY = randomBytes(32);

function refusedName(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    return `[refused name: ${name.length} characters, fingerprint ${createHmac("sha256", FINGERPRINT_KEY).update(name).digest("hex").slice(0, 8)}]`;
}

function field(event: unknown, key: string): string | undefined {
    const value = typeof event === "object" && event !== null ? (event as Record<string, unknown>)[key] : undefined;
    return typeof value === "string" ? value : undefined;
}

export async function handler(event: unknown): Promise<TransferResponse> {
    const started = Date.now();
    let decision: Decision;
    try {
        decision = await authenticate(event, store);
    } catch {
        // authenticate() does not throw; if it ever does, say so rather than blame Secrets Manager.
        decision = { granted: false, reason: "internal-error" };
    }
    logLogin({
        outcome: decision.granted ? "granted" : "denied",
        reason: decision.reason,
        // A name Transfer's rule refuses may be a password typed in the wrong field: log its shape only.
        username: decision.reason === "bad-username" || decision.reason === "bad-event" ? refusedName(field(event, "username")) : field(event, "username"),
        serverId: field(event, "serverId"),
        protocol: field(event, "protocol"),
        sourceIp: field(event, "sourceIp"),
        secretName: decision.secretName,
        // Only a lookup has a cache outcome; a refusal before it must not repeat the last one.
        cache: decision.secretName !== undefined ? store.lastLookup : undefined,
        durationMs: Date.now() - started,
    });
    return decision.granted ? decision.response : {};
}
