import * as assert from "assert";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as fc from "fast-check";
import * as path from "path";
import { authenticate } from "../authenticate";
import { buildIdpBundle } from "../build";
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../handler";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../password-hash";
import { SecretStore } from "../secret-store";
import { loopbackEnv, startLoopbackSecretsManager } from "../test-support/loopback-secrets-manager";

const SERVER = "s-0123456789abcdef0";
const ROLE = "arn:aws:iam::111111111111:role/ftp-access-role";
const PASSWORD = "the-one-right-password";
const HASH = hashPassword(PASSWORD, Buffer.alloc(16, 9));
const SECRET_BODY = JSON.stringify({ PasswordHash: HASH, Password: PASSWORD, Role: ROLE, PublicKey: "ssh-ed25519 AAAAKEY", HomeDirectory: "/bucket/u" });
const store: SecretStore = { async getSecretString(name) { return name.startsWith(`aws/transfer/${SERVER}/`) ? SECRET_BODY : undefined; } };

// Events that look like Transfer's, with every field drawn from hostile and plausible values.
const eventArb = fc.record({
    username: fc.oneof(fc.constantFrom("user1", "partner-a", "ab", "", "../x"), fc.string()),
    password: fc.option(fc.oneof(fc.constantFrom(PASSWORD, "", `${PASSWORD} `, PASSWORD.slice(1)), fc.string()), { nil: undefined }),
    protocol: fc.constantFrom("FTP", "FTPS", "SFTP", "AS2", ""),
    serverId: fc.oneof(fc.constant(SERVER), fc.string()),
    sourceIp: fc.oneof(fc.constantFrom("10.0.0.1", "::1", ""), fc.string()),
}, { requiredKeys: [] });

/** The lines the handler writes to standard output (its log) while `run` runs. */
async function loggedBy(run: () => Promise<unknown>): Promise<string[]> {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split("\n").filter((l) => l !== ""));
        return true;
    }) as typeof process.stdout.write;
    try {
        await run();
    } finally {
        process.stdout.write = write;
    }
    return lines;
}

describe("handler properties (fast-check)", () => {
    const secretsManager = mockClient(SecretsManagerClient);
    before(() => {
        secretsManager.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => {
            const body = await store.getSecretString(input.SecretId);
            if (body === undefined) throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });
            return { SecretString: body };
        });
    });
    after(() => secretsManager.restore());

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

    it("logs only the shape of a user name Transfer's rule refuses: it may be a password typed in the wrong field", async () => {
        const typedPassword = "hunter2 was my password!";
        const lines = await loggedBy(() => handler({ username: typedPassword, password: "x-password-1", protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" }));
        const logged = JSON.parse(lines[0]) as Record<string, unknown>;
        assert.strictEqual(logged.reason, "bad-username");
        assert.match(String(logged.username), /^\[refused name: 24 characters, fingerprint [0-9a-f]{8}\]$/);
        assert.ok(!lines.join("\n").includes("hunter2"), lines.join("\n"));
    });

    it("never logs a password, hash or secret body", async () => {
        await fc.assert(fc.asyncProperty(eventArb, async (event) => {
            // The Lambda's own handler, its Secrets Manager client answering from the fixture and its
            // standard output captured: whatever it chooses to log is what is checked.
            const lines = await loggedBy(() => handler(event));
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
    it("is one CommonJS file exporting handler, with no path of the machine that built it", () => {
        const first = buildIdpBundle();
        // An absolute path would make the Lambda's code (and so every deploy) differ from machine to machine.
        assert.ok(!first.code.includes(path.resolve(__dirname, "..", "..")), "the bundle embeds an absolute path");
        const loaded = { exports: {} as Record<string, unknown> };
        new Function("module", "exports", "require", first.code)(loaded, loaded.exports, require);
        assert.strictEqual(typeof loaded.exports.handler, "function");
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
            assert.match(good.stderr, /RESULT \{"Role":"arn:aws:iam::111111111111:role\/ftp-access-role","HomeDirectory":"\/bucket\/u"\}/);
            const log = JSON.parse(good.stdout.trim().split("\n").pop() as string);
            assert.deepStrictEqual([log.outcome, log.reason, log.username, log.cache], ["granted", "password-ok", "user1", "miss"]);
            const bad = await run({ username: "user1", password: "nope", protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" });
            assert.match(bad.stderr, /RESULT \{\}/);
            for (const output of [good.stdout, bad.stdout]) for (const secret of [PASSWORD, HASH, "nope"]) assert.ok(!output.includes(secret));
            // No lookup, no cache field: a refusal before the lookup must not report one.
            const early = await run({ username: "x", password: "nope", protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" });
            const earlyLog = JSON.parse(early.stdout.trim().split("\n").pop() as string);
            assert.deepStrictEqual([earlyLog.reason, "cache" in earlyLog], ["bad-username", false]);
        } finally {
            await server.close();
        }
    });

    it("logs a Secrets Manager failure as secret-store-error, after a lookup", async () => {
        const server = await startLoopbackSecretsManager({});
        const url = server.url;
        await server.close();
        const script = `const m = require(process.argv[1]); m.handler(JSON.parse(process.argv[2])).then(r => process.stderr.write("RESULT " + JSON.stringify(r)))`;
        const bundlePath = path.join(__dirname, "..", "dist", "test-bundle.js");
        fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
        fs.writeFileSync(bundlePath, buildIdpBundle().code);
        const result = spawnSync(process.execPath, ["--no-warnings", "-e", script, bundlePath, JSON.stringify({ username: "user1", password: PASSWORD, protocol: "FTP", serverId: SERVER, sourceIp: "10.0.0.1" })], {
            encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...loopbackEnv(url) }, timeout: 20_000,
        });
        const log = JSON.parse(result.stdout.trim().split("\n").pop() as string);
        assert.deepStrictEqual([log.reason, log.cache], ["secret-store-error", "miss"]);
        assert.match(result.stderr, /RESULT \{\}/);
    });
});

describe("secret properties (fast-check): the newer format, restrictions and scope fail closed", () => {
    const GOOD_POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/u/*" }] });
    const GOOD_HOME = JSON.stringify([{ Entry: "/", Target: "/bucket/u" }]);
    const GOOD_ROLES = [ROLE, "arn:aws-cn:iam::111111111111:role/cn"];
    const SOURCES = ["10.10.1.5", "192.0.2.9", "::ffff:10.10.1.5", "2001:db8::1", "010.010.001.005", "10.10.1"];
    // Which sources each restriction value admits; a value missing here does not parse and must deny.
    const ADMITS: Record<string, string[]> = {
        "10.10.1.0/24": ["10.10.1.5", "::ffff:10.10.1.5"],
        "10.10.1.0/24, 2001:db8::/32": ["10.10.1.5", "::ffff:10.10.1.5", "2001:db8::1"],
        "::ffff:10.10.1.0/120": ["10.10.1.5", "::ffff:10.10.1.5"],
        "192.0.2.0/24": ["192.0.2.9"],
    };
    // Mostly good values, so grants happen often enough for the property to bite.
    const mostly = <T,>(good: T[], bad: unknown[]): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
    const restriction = mostly(Object.keys(ADMITS), ["010.10.1.0/24", "10.10.1/24", "", "10.10.1.5/24", "any"]);
    const passwords = ["pw-generic-1", "pw-ftp-1", "pw-ftps-1", "pw-sftp-1", "pw-hash-1"];
    const HASHED = hashPassword("pw-hash-1", Buffer.alloc(16, 4));
    const HOSTILE = "$scrypt$ln=20,r=32,p=16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const secretArb = fc.record({
        Password: fc.constantFrom("pw-generic-1", "", 5, null, "pw-\uDC00"),
        FTPPassword: fc.constantFrom("pw-ftp-1", 7),
        FTPSPassword: fc.constant("pw-ftps-1"),
        SFTPPassword: fc.constant("pw-sftp-1"),
        PasswordHash: fc.constantFrom(HASHED, "garbage", HOSTILE),
        PublicKey: fc.constantFrom("ssh-rsa GENERIC", ""),
        SFTPPublicKey: fc.constant("ssh-ed25519 SFTP"),
        AllowedSourceCidrs: restriction, AcceptedIpNetwork: restriction, FTPAcceptedIpNetwork: restriction, FTPSAcceptedIpNetwork: restriction, SFTPAcceptedIpNetwork: restriction,
        Role: mostly(GOOD_ROLES, ["arn:aws-iso:iam::111111111111:role/x", "", 42, null, "arn:aws:iam::111111111111:user/x"]),
        FTPRole: fc.constantFrom(ROLE, "arn:aws-iso-b:iam::111111111111:role/x"),
        Policy: mostly([GOOD_POLICY], ["", null, { Statement: [] }, 3, "{bad", "[]", JSON.stringify({ Version: "2012-10-17", Sid: "x".repeat(2100), Statement: [] })]),
        HomeDirectoryDetails: mostly([GOOD_HOME], ["[]", JSON.stringify([{ Entry: "/../x", Target: "/bucket/u" }]), JSON.stringify([{ Entry: "/", Target: "/bucket/../v" }]), JSON.stringify([{ Entry: "/", Target: "bucket/u" }]), 5]),
        HomeDirectory: mostly(["/bucket/u"], ["/bucket/../x", "", 9]),
    }, { requiredKeys: [] });
    const loginArb = fc.record({
        username: fc.constant("user1"), serverId: fc.constant(SERVER),
        password: fc.option(fc.constantFrom(...passwords, "wrong-pw-1", "pw-generic-1\u0000", "pw-\uD800"), { nil: undefined }),
        protocol: fc.constantFrom("FTP", "FTPS", "SFTP", "sftp", "AS2", ""),
        sourceIp: mostly(["10.10.1.5", "::ffff:10.10.1.5"], SOURCES),
    });
    const at = (s: Record<string, unknown>, key: string, protocol: string) => (s[`${protocol}${key}`] !== undefined ? s[`${protocol}${key}`] : s[key]);

    it("grants only on the protocol's own credential, from an admitted source, with a real role, a parsed policy and a clean home", async () => {
        const grants = new Map<string, number>();
        await fc.assert(fc.asyncProperty(secretArb, loginArb, async (secret, login) => {
            const verifications: string[] = [];
            // The dummy hash is never the answer; skipping its 50 ms keeps the property fast.
            const verify = async (password: string, encoded: string) => {
                verifications.push(encoded);
                return encoded === DUMMY_PASSWORD_HASH ? false : verifyPassword(password, encoded);
            };
            const decision = await authenticate(login, { async getSecretString() { return JSON.stringify(secret); } }, verify);
            const passwordAuth = login.password !== undefined && login.password !== "";
            const s = secret as Record<string, unknown>;
            if (passwordAuth && decision.secretName !== undefined && !decision.granted) {
                // No oracle: a password refusal after the lookup cost exactly one verification.
                assert.strictEqual(verifications.length, 1, `${decision.reason}: ${verifications.length} verifications`);
            }
            if (!decision.granted) return;
            grants.set(decision.reason, (grants.get(decision.reason) ?? 0) + 1);
            const p = login.protocol;
            assert.ok(["FTP", "FTPS", "SFTP"].includes(p), `granted protocol ${p}`);
            if (passwordAuth) {
                const tier = s[`${p}PasswordHash`] !== undefined || s[`${p}Password`] !== undefined ? p : "";
                const expected = s[`${tier}PasswordHash`] !== undefined ? (s[`${tier}PasswordHash`] === HASHED ? "pw-hash-1" : undefined) : s[`${tier}Password`];
                assert.strictEqual(login.password, expected, "granted on a credential that is not the protocol's own");
                assert.strictEqual(decision.response.PublicKeys, undefined);
            } else {
                assert.strictEqual(p, "SFTP");
                assert.deepStrictEqual(decision.response.PublicKeys, [String(at(s, "PublicKey", p))]);
            }
            for (const key of Object.keys(s).filter((k) => /AcceptedIpNetwork|AllowedSourceCidrs/.test(k))) assert.ok(ADMITS[s[key] as string], `${key}=${String(s[key])} did not parse yet granted`);
            for (const key of ["AllowedSourceCidrs", "AcceptedIpNetwork"]) {
                const value = at(s, key, p);
                if (value !== undefined) assert.ok(ADMITS[value as string].includes(login.sourceIp as string), `${login.sourceIp} is outside ${key}=${String(value)}`);
            }
            assert.ok(GOOD_ROLES.includes(decision.response.Role as string), `role ${decision.response.Role}`);
            const policy = at(s, "Policy", p);
            assert.strictEqual(decision.response.Policy, policy === undefined ? undefined : GOOD_POLICY);
            if (at(s, "HomeDirectoryDetails", p) !== undefined) assert.strictEqual(decision.response.HomeDirectoryDetails, GOOD_HOME);
            else if (at(s, "HomeDirectory", p) !== undefined) assert.strictEqual(decision.response.HomeDirectory, "/bucket/u");
        }), { numRuns: 1500 });
        // The property says something only if grants happen, by password and by key.
        assert.ok((grants.get("password-ok") ?? 0) > 0 && (grants.get("public-keys") ?? 0) > 0, JSON.stringify([...grants]));
    });
});
