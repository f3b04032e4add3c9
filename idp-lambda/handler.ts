// The Lambda entry point: parse, decide, log, answer. Clients are created once per process.
import { authenticate, Decision, TransferResponse } from "./authenticate";
import { logLogin, logWarning } from "./log";
import { CACHE_MAX_ENTRIES, CachedSecretStore, cacheTtlSecondsFrom, createSecretsManagerClient, SecretsManagerStore } from "./secret-store";

const ttl = cacheTtlSecondsFrom(process.env.SECRET_CACHE_TTL_SECONDS);
// A Lambda cannot refuse to start, so a bad TTL falls back to the default, loudly.
if (ttl.invalid !== undefined) logWarning("SECRET_CACHE_TTL_SECONDS is not a number of seconds from 0 to 3600; using the default", { value: ttl.invalid.slice(0, 32), default: ttl.seconds });
const store = new CachedSecretStore(new SecretsManagerStore(createSecretsManagerClient()), { ttlMs: ttl.seconds * 1000, maxEntries: CACHE_MAX_ENTRIES });

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
        username: field(event, "username"),
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
