import * as assert from "assert";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as fc from "fast-check";
import * as path from "path";
import { authenticate } from "../authenticate";
import { buildIdpBundle } from "../build";
import { logLogin } from "../log";
import { hashPassword } from "../password-hash";
import { SecretStore } from "../secret-store";
import { loopbackEnv, startLoopbackSecretsManager } from "../test-support/loopback-secrets-manager";

const SERVER = "s-0123456789abcdef0";
const ROLE = "arn:aws:iam::111111111111:role/ftp-access-role";
const PASSWORD = "the-one-right-password";
const HASH = hashPassword(PASSWORD, Buffer.alloc(16, 9), { ln: 10 });
const SECRET_BODY = JSON.stringify({ PasswordHash: HASH, Password: PASSWORD, Role: ROLE, PublicKey: "ssh-ed25519 AAAAKEY", HomeDirectory: "/b/u" });
const store: SecretStore = { async getSecretString(name) { return name.startsWith(`aws/transfer/${SERVER}/`) ? SECRET_BODY : undefined; } };

// Events that look like Transfer's, with every field drawn from hostile and plausible values.
const eventArb = fc.record({
    username: fc.oneof(fc.constantFrom("user1", "partner-a", "ab", "", "../x"), fc.string()),
    password: fc.option(fc.oneof(fc.constantFrom(PASSWORD, "", `${PASSWORD} `, PASSWORD.slice(1)), fc.string()), { nil: undefined }),
    protocol: fc.constantFrom("FTP", "FTPS", "SFTP", "AS2", ""),
    serverId: fc.oneof(fc.constant(SERVER), fc.string()),
    sourceIp: fc.oneof(fc.constantFrom("10.0.0.1", "::1", ""), fc.string()),
}, { requiredKeys: [] });

describe("handler properties (fast-check)", () => {
    it("never throws, and never grants without the right password on password auth", async () => {
        await fc.assert(fc.asyncProperty(fc.oneof(eventArb, fc.anything()), async (event) => {
            const decision = await authenticate(event, store);
            const e = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
            const passwordAuth = typeof e.password === "string" && e.password !== "";
            if (decision.granted && passwordAuth) assert.strictEqual(e.password, PASSWORD);
            if (decision.granted) assert.ok(decision.response.Role === ROLE);
        }), { numRuns: 300 });
    });

    it("never returns PublicKeys on password auth", async () => {
        await fc.assert(fc.asyncProperty(eventArb, async (event) => {
            const decision = await authenticate({ ...event, serverId: SERVER, username: "user1", sourceIp: "10.0.0.1" }, store);
            const passwordAuth = typeof event.password === "string" && event.password !== "";
            if (decision.granted && passwordAuth) assert.strictEqual(decision.response.PublicKeys, undefined);
        }), { numRuns: 200 });
    });

    it("never logs a password, hash or secret body", async () => {
        await fc.assert(fc.asyncProperty(eventArb, async (event) => {
            const lines: string[] = [];
            const decision = await authenticate(event, store);
            logLogin({ outcome: decision.granted ? "granted" : "denied", reason: decision.reason, username: event.username, serverId: event.serverId, protocol: event.protocol, sourceIp: event.sourceIp, secretName: decision.secretName }, (l) => lines.push(l));
            const logged = lines.join("\n");
            for (const forbidden of [PASSWORD, HASH, SECRET_BODY, "PasswordHash"]) assert.ok(!logged.includes(forbidden), `log holds ${forbidden}`);
            if (typeof event.password === "string" && event.password.length >= 4 && event.password !== event.username && !["FTP", "FTPS", "SFTP"].includes(event.password)) {
                const parsed = JSON.parse(lines[0]) as Record<string, unknown>;
                assert.ok(!Object.values(parsed).includes(event.password), "the event's password became a log field");
            }
        }), { numRuns: 200 });
    });
});

describe("the bundle", () => {
    it("is one deterministic CommonJS file exporting handler", () => {
        const first = buildIdpBundle();
        const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
        const again = spawnSync(tsx, ["-e", "console.log(require('./idp-lambda/build').buildIdpBundle().sha256)"], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
        assert.strictEqual(again.stdout.trim(), first.sha256, again.stderr);
        assert.ok(!first.code.includes(path.resolve(__dirname, "..", "..")), "the bundle embeds an absolute path");
        assert.match(first.code, /exports/);
    });

    it("answers a login from a fresh process against a loopback Secrets Manager, logging without secrets", async () => {
        const server = await startLoopbackSecretsManager({ [`aws/transfer/${SERVER}/user1`]: SECRET_BODY });
        try {
            const script = `const m = require(process.argv[1]); m.handler(JSON.parse(process.argv[2])).then(r => process.stderr.write("RESULT " + JSON.stringify(r)))`;
            const bundlePath = path.join(__dirname, "..", "dist", "test-bundle.js");
            fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
            fs.writeFileSync(bundlePath, buildIdpBundle().code);
            // Asynchronous: the loopback server lives in this process and must keep answering.
            const run = (event: object) => new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
                execFile(process.execPath, ["--no-warnings", "-e", script, bundlePath, JSON.stringify(event)], {
                    encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...loopbackEnv(server.url) }, timeout: 20_000,
                }, (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr })));
            });
            const good = await run({ username: "user1", password: PASSWORD, protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" });
            assert.match(good.stderr, /RESULT \{"Role":"arn:aws:iam::111111111111:role\/ftp-access-role","HomeDirectory":"\/b\/u"\}/);
            const log = JSON.parse(good.stdout.trim().split("\n").pop() as string);
            assert.deepStrictEqual([log.outcome, log.reason, log.username, log.cache], ["granted", "password-ok", "user1", "miss"]);
            const bad = await run({ username: "user1", password: "nope", protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" });
            assert.match(bad.stderr, /RESULT \{\}/);
            for (const output of [good.stdout, bad.stdout]) for (const secret of [PASSWORD, HASH, "nope"]) assert.ok(!output.includes(secret));
        } finally {
            await server.close();
        }
    });
});
