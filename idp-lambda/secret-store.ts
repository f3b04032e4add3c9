// Where user secrets come from: an interface the decision logic depends on, the Secrets Manager
// adapter behind it, and a bounded TTL cache in front of it.
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export interface SecretStore {
    /** The secret's string, or undefined when no such secret exists; throws on any other failure. */
    getSecretString(name: string): Promise<string | undefined>;
}

/** Connection and request limits, well inside the Lambda's 10 s timeout and Transfer's wait. */
export const SDK_TIMEOUTS = { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 2 } as const;

/**
 * The whole lookup (both attempts, headers and body) ends within this. The SDK's requestTimeout is
 * an idle-socket timeout, so a body that trickles in a byte at a time would never trip it.
 */
export const LOOKUP_DEADLINE_MS = 3000;

export class LookupDeadlineError extends Error {
    constructor(name: string, deadlineMs: number) {
        super(`GetSecretValue ${name}: no complete answer within ${deadlineMs} ms`);
        this.name = "LookupDeadlineError";
    }
}

export function createSecretsManagerClient(): SecretsManagerClient {
    // Region, credentials and endpoint (AWS_ENDPOINT_URL_SECRETS_MANAGER) come from the environment.
    return new SecretsManagerClient({
        maxAttempts: SDK_TIMEOUTS.maxAttempts,
        // The SDK builds its Node HTTP handler from these options.
        requestHandler: { connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs, requestTimeout: SDK_TIMEOUTS.requestTimeoutMs, throwOnRequestTimeout: true },
    });
}

export class SecretsManagerStore implements SecretStore {
    constructor(private readonly client: Pick<SecretsManagerClient, "send">, private readonly deadlineMs = LOOKUP_DEADLINE_MS) {}

    async getSecretString(name: string): Promise<string | undefined> {
        const abort = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        // The race bounds the wait even if a stalled body ignores the abort; the abort frees the socket.
        const deadline = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
                abort.abort();
                reject(new LookupDeadlineError(name, this.deadlineMs));
            }, this.deadlineMs);
        });
        try {
            return await Promise.race([this.lookup(name, abort.signal), deadline]);
        } finally {
            clearTimeout(timer);
        }
    }

    private async lookup(name: string, abortSignal: AbortSignal): Promise<string | undefined> {
        try {
            const result = await this.client.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal });
            if (result.SecretString !== undefined) return result.SecretString;
            if (result.SecretBinary !== undefined) return Buffer.from(result.SecretBinary).toString("utf8");
            throw new Error(`secret ${name} has neither SecretString nor SecretBinary`);
        } catch (err) {
            if (err instanceof ResourceNotFoundException || (err as { name?: string }).name === "ResourceNotFoundException") return undefined;
            throw err;
        }
    }
}

export interface CacheOptions {
    ttlMs: number;
    maxEntries: number;
    now?: () => number;
}

/**
 * Caches secrets for a short TTL so a burst of logins reads each secret once, and remembers a missing
 * secret just as long, so a client retrying an unknown name is not one paid call a try, and probing a
 * name twice answers alike whether it exists or not. Failures are never cached. At most maxEntries
 * names are held, found and missing together.
 */
export class CachedSecretStore implements SecretStore {
    private readonly entries = new Map<string, { value: string | undefined; expires: number }>();
    private readonly now: () => number;
    lastLookup: "hit" | "miss" | "off" = "off";

    constructor(private readonly inner: SecretStore, private readonly options: CacheOptions) {
        this.now = options.now ?? Date.now;
    }

    async getSecretString(name: string): Promise<string | undefined> {
        if (this.options.ttlMs <= 0) {
            this.lastLookup = "off";
            return this.inner.getSecretString(name);
        }
        const cached = this.entries.get(name);
        if (cached && cached.expires > this.now()) {
            this.lastLookup = "hit";
            return cached.value;
        }
        this.entries.delete(name);
        this.lastLookup = "miss";
        const value = await this.inner.getSecretString(name);
        // Map keeps insertion order: the first key is the oldest entry.
        if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        this.entries.set(name, { value, expires: this.now() + this.options.ttlMs });
        return value;
    }

    get size(): number {
        return this.entries.size;
    }
}

export const DEFAULT_CACHE_TTL_SECONDS = 30;
export const CACHE_MAX_ENTRIES = 1000;

/** SECRET_CACHE_TTL_SECONDS, or the default with a reason when it is not a non-negative number. */
export function cacheTtlSecondsFrom(raw: string | undefined): { seconds: number; invalid?: string } {
    if (raw === undefined || raw.trim() === "") return { seconds: DEFAULT_CACHE_TTL_SECONDS };
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) return { seconds: DEFAULT_CACHE_TTL_SECONDS, invalid: raw };
    return { seconds };
}
