import * as assert from "assert";
import { PassThrough } from "stream";
import { promptHidden } from "../hash-password-cli";
import { spawnSync } from "child_process";
import * as path from "path";
import * as fc from "fast-check";
import { DEFAULT_SCRYPT_PARAMS, DUMMY_PASSWORD_HASH, hashPassword, hashPasswordAsync, MAX_SCRYPT_WORK, parsePasswordHash, PASSWORD_SALT_BYTES, passwordProblem, verifyPassword } from "../password-hash";

const SALT = Buffer.alloc(PASSWORD_SALT_BYTES, 1);

describe("password hashes", () => {
    it("round-trips: the right password verifies, a wrong one does not", async () => {
        const encoded = hashPassword("correct horse", SALT);
        assert.strictEqual(await verifyPassword("correct horse", encoded), true);
        assert.strictEqual(await verifyPassword("correct horsE", encoded), false);
        assert.strictEqual(await verifyPassword("", encoded), false);
    });

    it("is deterministic for a fixed salt, and the async form agrees", async () => {
        assert.strictEqual(hashPassword("pw-123456789", SALT), hashPassword("pw-123456789", SALT));
        assert.strictEqual(await hashPasswordAsync("pw-123456789", SALT), hashPassword("pw-123456789", SALT));
        assert.notStrictEqual(hashPassword("pw-123456789", Buffer.alloc(16, 2)), hashPassword("pw-123456789", SALT));
    });

    it("carries its algorithm and cost parameters inside the string", async () => {
        const encoded = hashPassword("pw", SALT, { ln: 12, r: 8, p: 2 });
        assert.match(encoded, /^\$scrypt\$ln=12,r=8,p=2\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        const parsed = parsePasswordHash(encoded);
        assert.ok(parsed.ok && parsed.params.ln === 12 && parsed.params.p === 2);
        assert.strictEqual(await verifyPassword("pw", encoded), true);
    });

    it("treats malformed or hostile hashes as a failed login, never an exception", async () => {
        for (const bad of ["", "plaintext", "$scrypt$ln=14,r=8,p=1$$", "$scrypt$ln=31,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "$bcrypt$ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "$scrypt$ln=14,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]) {
            assert.strictEqual(parsePasswordHash(bad).ok, false, bad);
            assert.strictEqual(await verifyPassword("pw", bad), false, bad);
        }
    });

    it("never verifies a password with a trailing NUL against the hash of the password without it", async () => {
        const encoded = hashPassword("pw-123456", SALT, { ln: 10 });
        assert.strictEqual(await verifyPassword("pw-123456\u0000", encoded), false);
        assert.strictEqual(await verifyPassword("pw-123456\u0000\u0000", encoded), false);
        assert.throws(() => hashPassword("pw-123456\u0000", SALT), /password: contains a NUL/);
    });

    it("never lets lone surrogates stand in for one another or for U+FFFD", async () => {
        const encoded = hashPassword("pw-\uFFFD", SALT, { ln: 10 });
        for (const lone of ["pw-\uD800", "pw-\uDC00", "pw-\uDBFF"]) assert.strictEqual(await verifyPassword(lone, encoded), false, JSON.stringify(lone));
        assert.throws(() => hashPassword("pw-\uD800", SALT), /lone UTF-16 surrogate/);
        assert.strictEqual(passwordProblem("pw-\uD83D\uDE00"), undefined, "a surrogate pair (an emoji) is a fine password");
    });

    it("property: two different passwords never both verify against one hash", async () => {
        const encoded = hashPassword("base-password", SALT, { ln: 10 });
        // Variants of the one right password: appended NULs, surrogates, U+FFFD, and arbitrary strings.
        const variant = fc.oneof(
            fc.constantFrom("\u0000", "\u0000\u0000", "\uD800", "\uDC00", "\uFFFD").map((tail) => `base-password${tail}`),
            fc.string({ unit: "binary", maxLength: 20 }).map((tail) => `base-password${tail}`),
            fc.string({ unit: "binary" }),
        );
        await fc.assert(fc.asyncProperty(variant, async (other) => {
            if (other !== "base-password") assert.strictEqual(await verifyPassword(other, encoded), false, JSON.stringify(other));
        }), { numRuns: 60 });
    });

    it("caps the cost: N·r·p at most 2^18, so the dearest accepted hash needs at most 32 MiB", () => {
        let dearest = 0;
        for (let ln = 10; ln <= 20; ln++) for (let r = 1; r <= 32; r++) for (let p = 1; p <= 16; p++) {
            const encoded = `$scrypt$ln=${ln},r=${r},p=${p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
            const accepted = parsePasswordHash(encoded).ok;
            assert.strictEqual(accepted, 2 ** ln * r * p <= MAX_SCRYPT_WORK, encoded);
            if (accepted) dearest = Math.max(dearest, 128 * 2 ** ln * r);
        }
        assert.strictEqual(MAX_SCRYPT_WORK, 2 ** 18);
        assert.ok(dearest <= 32 * 1024 * 1024 && dearest <= 512 * 1024 * 1024 / 16, `${dearest} bytes`);
    });

    it("verifies a hash at the cap, and refuses one just above it, naming the cap", async () => {
        const atCap = hashPassword("pw-at-cap", SALT, { ln: 15, r: 8, p: 1 });
        assert.strictEqual(await verifyPassword("pw-at-cap", atCap), true);
        const above = parsePasswordHash(atCap.replace("ln=15,r=8,p=1", "ln=15,r=8,p=2"));
        assert.ok(!above.ok && /above the cap 2\^18/.test(above.problem), JSON.stringify(above));
        assert.throws(() => hashPassword("pw", SALT, { ln: 16 }), /above the cap/);
    });

    it("refuses a hostile hash (4 GiB, 16 passes) at once, without hashing", async () => {
        const hostile = "$scrypt$ln=20,r=32,p=16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert.strictEqual(parsePasswordHash(hostile).ok, false);
        assert.strictEqual(await verifyPassword("pw", hostile), false);
    });

    it("has a dummy hash at the default cost, for refusals with nothing to verify", () => {
        const parsed = parsePasswordHash(DUMMY_PASSWORD_HASH);
        assert.ok(parsed.ok);
        assert.deepStrictEqual(parsed.params, DEFAULT_SCRYPT_PARAMS);
    });

    it("refuses to hash an empty password or with a short salt, naming the input", () => {
        assert.throws(() => hashPassword("", SALT), /password: an empty password/);
        assert.throws(() => hashPassword("pw", Buffer.alloc(4)), /salt: 4 bytes/);
        assert.throws(() => hashPassword("pw", SALT, { ln: 40 }), /ln=40 is outside/);
        assert.throws(() => hashPassword("x".repeat(1025), SALT), /longer than 1024/);
    });

    it("npm run hash-password turns stdin into a verifiable hash; refuses empty, short and unknown input; prints usage with --help", async () => {
        const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
        const cli = path.join(__dirname, "..", "hash-password-cli.ts");
        const ok = spawnSync(tsx, [cli], { input: "s3cret-passphrase\n", encoding: "utf8" });
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.strictEqual(await verifyPassword("s3cret-passphrase", ok.stdout.trim()), true);
        const empty = spawnSync(tsx, [cli], { input: "\n", encoding: "utf8" });
        assert.strictEqual(empty.status, 2);
        assert.match(empty.stderr, /no password given/);
        const short = spawnSync(tsx, [cli], { input: "short-pass\n", encoding: "utf8" });
        assert.strictEqual(short.status, 2);
        assert.match(short.stderr, /the password is 10 characters; at least 12, as closed-ftp:passwords asks \(value not shown\)/);
        assert.ok(!short.stderr.includes("short-pass"));
        const help = spawnSync(tsx, [cli, "--help"], { encoding: "utf8" });
        assert.strictEqual(help.status, 0);
        assert.match(help.stdout, /^usage: npm run --silent hash-password/);
        const unknown = spawnSync(tsx, [cli, "--salt"], { encoding: "utf8", input: "" });
        assert.strictEqual(unknown.status, 2);
        assert.match(unknown.stderr, /hash-password: Unknown option '--salt'[\s\S]*usage:/);
    });

    it("asks on a terminal without echoing what is typed, and takes backspace", async () => {
        const input = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(raw: boolean) { this.raw = raw; } });
        let shown = "";
        const answer = promptHidden("Password (not shown): ", input, { write: (text: string) => (shown += text) });
        input.write("hunter2x\u007f-secret");
        input.write("\r");
        assert.strictEqual(await answer, "hunter2-secret");
        assert.strictEqual(shown, "Password (not shown): \n");
        assert.strictEqual(input.raw, false, "the terminal is back to cooked mode");
        const cancelled = promptHidden("Password: ", input, { write: () => undefined });
        input.write("\u0003");
        await assert.rejects(cancelled, /cancelled/);
    });
});
