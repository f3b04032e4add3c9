import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { hashPassword, hashPasswordAsync, parsePasswordHash, PASSWORD_SALT_BYTES, verifyPassword } from "../password-hash";

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

    it("refuses to hash an empty password or with a short salt, naming the input", () => {
        assert.throws(() => hashPassword("", SALT), /password: an empty password/);
        assert.throws(() => hashPassword("pw", Buffer.alloc(4)), /salt: 4 bytes/);
        assert.throws(() => hashPassword("pw", SALT, { ln: 40 }), /ln=40 is outside/);
    });

    it("npm run hash-password turns stdin into a verifiable hash, and refuses empty input", async () => {
        const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
        const cli = path.join(__dirname, "..", "hash-password-cli.ts");
        const ok = spawnSync(tsx, [cli], { input: "s3cret-pass\n", encoding: "utf8" });
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.strictEqual(await verifyPassword("s3cret-pass", ok.stdout.trim()), true);
        const empty = spawnSync(tsx, [cli], { input: "\n", encoding: "utf8" });
        assert.strictEqual(empty.status, 2);
        assert.match(empty.stderr, /stdin held no password/);
    });
});
