import * as assert from "assert";
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { CachedSecretStore, cacheTtlSecondsFrom, createSecretsManagerClient, SecretsManagerStore, SecretStore } from "../secret-store";
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

    it("gives up within its request timeout when Secrets Manager does not answer", async () => {
        const server = await startLoopbackSecretsManager({ slow: "{}" }, { delayMs: 8000 });
        try {
            await withEnv(loopbackEnv(server.url), async () => {
                const store = new SecretsManagerStore(createSecretsManagerClient());
                const started = Date.now();
                await assert.rejects(store.getSecretString("slow"));
                assert.ok(Date.now() - started < 7500, `took ${Date.now() - started} ms`);
            });
        } finally {
            await server.close();
        }
    });
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

    it("does not cache a missing secret, so a new user works at once", async () => {
        const values: Record<string, string> = {};
        const { reads, store } = counting(values);
        const cache = new CachedSecretStore(store, { ttlMs: 30_000, maxEntries: 10 });
        assert.strictEqual(await cache.getSecretString("new"), undefined);
        values.new = "1";
        assert.strictEqual(await cache.getSecretString("new"), "1");
        assert.deepStrictEqual(reads, ["new", "new"]);
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
