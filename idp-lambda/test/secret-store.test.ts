import * as assert from "assert";
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { CachedSecretStore, cacheTtlSecondsFrom, createSecretsManagerClient, LookupDeadlineError, SecretsManagerStore, SecretStore } from "../secret-store";
import { loopbackEnv, startLoopbackSecretsManager } from "../test-support/loopback-secrets-manager";

function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    return fn().finally(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });
}

describe("Secrets Manager adapter", () => {
    it("returns SecretString, SecretBinary as text, and undefined for a missing secret (mocked SDK)", async () => {
        const sdk = mockClient(SecretsManagerClient);
        sdk.on(GetSecretValueCommand, { SecretId: "a" }).resolves({ SecretString: "{\"Role\":\"r\"}" });
        sdk.on(GetSecretValueCommand, { SecretId: "b" }).resolves({ SecretBinary: Buffer.from("{\"Role\":\"b\"}") });
        sdk.on(GetSecretValueCommand, { SecretId: "c" }).rejects(new ResourceNotFoundException({ message: "nope", $metadata: {} }));
        sdk.on(GetSecretValueCommand, { SecretId: "d" }).rejects(new Error("AccessDenied"));
        const store = new SecretsManagerStore(new SecretsManagerClient({ region: "us-east-1" }));
        assert.strictEqual(await store.getSecretString("a"), "{\"Role\":\"r\"}");
        assert.strictEqual(await store.getSecretString("b"), "{\"Role\":\"b\"}");
        assert.strictEqual(await store.getSecretString("c"), undefined);
        await assert.rejects(store.getSecretString("d"), /AccessDenied/);
        sdk.restore();
    });

    it("talks the Secrets Manager protocol to the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
        const server = await startLoopbackSecretsManager({ "aws/transfer/s-0123456789abcdef0/user1": "{\"Role\":\"x\"}" });
        try {
            await withEnv(loopbackEnv(server.url), async () => {
                const store = new SecretsManagerStore(createSecretsManagerClient());
                assert.strictEqual(await store.getSecretString("aws/transfer/s-0123456789abcdef0/user1"), "{\"Role\":\"x\"}");
                assert.strictEqual(await store.getSecretString("aws/transfer/s-0123456789abcdef0/nobody"), undefined);
            });
            assert.strictEqual(server.calls.get("aws/transfer/s-0123456789abcdef0/user1"), 1);
        } finally {
            await server.close();
        }
    });

    // Short deadlines keep the tests fast; production uses LOOKUP_DEADLINE_MS (3 s).
    for (const [what, options] of [["does not answer", { delayMs: 5000 }], ["trickles its body in a byte at a time", { trickleMs: 40 }]] as const) {
        it(`ends the whole call at its deadline when Secrets Manager ${what}`, async () => {
            // The body is ~250 bytes: trickled at 40 ms a byte it would take ~10 s, past the Lambda's timeout.
            const server = await startLoopbackSecretsManager({ slow: JSON.stringify({ Role: "r".repeat(50) }) }, options);
            try {
                await withEnv(loopbackEnv(server.url), async () => {
                    const store = new SecretsManagerStore(createSecretsManagerClient(), 400);
                    const started = Date.now();
                    await assert.rejects(store.getSecretString("slow"), LookupDeadlineError);
                    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
                });
            } finally {
                await server.close();
            }
        });
    }
});

describe("secret cache", () => {
    function counting(values: Record<string, string>) {
        const reads: string[] = [];
        const store: SecretStore = { async getSecretString(name) { reads.push(name); return values[name]; } };
        return { reads, store };
    }

    it("reads a secret once per TTL during a burst of logins", async () => {
        let now = 1000;
        const { reads, store } = counting({ a: "1" });
        const cache = new CachedSecretStore(store, { ttlMs: 30_000, maxEntries: 10, now: () => now });
        for (let i = 0; i < 50; i++) assert.strictEqual(await cache.getSecretString("a"), "1");
        assert.deepStrictEqual(reads, ["a"]);
        assert.strictEqual(cache.lastLookup, "hit");
        now += 30_001;
        await cache.getSecretString("a");
        assert.deepStrictEqual(reads, ["a", "a"]);
        assert.strictEqual(cache.lastLookup, "miss");
    });

    it("remembers a missing secret exactly as long as a found one: a spray of one name is one call per TTL, and two probes cannot tell the names apart", async () => {
        let now = 1000;
        const values: Record<string, string> = { alice: "secret" };
        const { reads, store } = counting(values);
        const cache = new CachedSecretStore(store, { ttlMs: 30_000, maxEntries: 10, now: () => now });
        for (let i = 0; i < 100; i++) assert.strictEqual(await cache.getSecretString("mallory"), undefined);
        assert.deepStrictEqual(reads, ["mallory"]);
        await cache.getSecretString("alice");
        // 15 s later, a second probe of each: both from the cache, alike.
        now += 15_000;
        await cache.getSecretString("alice");
        const aliceLookup = cache.lastLookup;
        await cache.getSecretString("mallory");
        assert.deepStrictEqual([aliceLookup, cache.lastLookup], ["hit", "hit"]);
        // Past the TTL both are asked again; a user created meanwhile is found.
        values.mallory = "new";
        now += 30_001;
        assert.strictEqual(await cache.getSecretString("mallory"), "new");
        assert.deepStrictEqual(reads, ["mallory", "alice", "mallory"]);
    });

    it("does not cache a failure", async () => {
        let calls = 0;
        const cache = new CachedSecretStore({ async getSecretString() { calls++; throw new Error("throttled"); } }, { ttlMs: 30_000, maxEntries: 10 });
        await assert.rejects(cache.getSecretString("a"));
        await assert.rejects(cache.getSecretString("a"));
        assert.strictEqual(calls, 2);
    });

    it("holds at most maxEntries names, found and missing together, under a spray of distinct names", async () => {
        const { reads, store } = counting({});
        const cache = new CachedSecretStore(store, { ttlMs: 30_000, maxEntries: 50 });
        for (let i = 0; i < 500; i++) await cache.getSecretString(`spray${i}`);
        assert.strictEqual(cache.size, 50);
        assert.strictEqual(reads.length, 500);
    });

    it("stays bounded, evicting the oldest entry", async () => {
        const { store } = counting(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, String(i)])));
        const cache = new CachedSecretStore(store, { ttlMs: 30_000, maxEntries: 5 });
        for (let i = 0; i < 20; i++) await cache.getSecretString(`k${i}`);
        assert.strictEqual(cache.size, 5);
    });

    it("is off with a TTL of 0", async () => {
        const { reads, store } = counting({ a: "1" });
        const cache = new CachedSecretStore(store, { ttlMs: 0, maxEntries: 10 });
        await cache.getSecretString("a");
        await cache.getSecretString("a");
        assert.deepStrictEqual(reads, ["a", "a"]);
        assert.strictEqual(cache.lastLookup, "off");
    });

    it("reads SECRET_CACHE_TTL_SECONDS, falling back to 30 s on a bad value and saying so", () => {
        assert.deepStrictEqual(cacheTtlSecondsFrom(undefined), { seconds: 30 });
        assert.deepStrictEqual(cacheTtlSecondsFrom("0"), { seconds: 0 });
        assert.deepStrictEqual(cacheTtlSecondsFrom("5"), { seconds: 5 });
        assert.deepStrictEqual(cacheTtlSecondsFrom("abc"), { seconds: 30, invalid: "abc" });
        assert.deepStrictEqual(cacheTtlSecondsFrom("-1"), { seconds: 30, invalid: "-1" });
    });
});
