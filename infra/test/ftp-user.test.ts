import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { derivedCredentialHex, FtpUser, FtpUserArgs } from "../ftp-user";
import { verifyPassword } from "../../idp-lambda/password-hash";
import { MockCloud, revealSecrets } from "../../plan/mock-cloud";
import { InProcessCloud, promiseOf } from "../../plan/mock-cloud/in-process";
import { HUB_ACCOUNT, onMockCloud, parsePolicy } from "./harness";

const SERVER_ID = "s-0123456789abcdef0";
const ROLE_ARN = `arn:aws:iam::${HUB_ACCOUNT}:role/ftp-access-role-1234567`;

function userArgs(overrides: Partial<FtpUserArgs> = {}): FtpUserArgs {
    return { serverId: SERVER_ID, userName: "partner-a", accessRoleArn: ROLE_ARN, bucketName: "analytics-drop-abc1234", prefix: "partner-a", ...overrides };
}

async function deployUser(overrides: Partial<FtpUserArgs> = {}) {
    return onMockCloud(async ({ hub, random }) => {
        const user = new FtpUser("user-partner-a", userArgs(overrides), { providers: [hub, random] });
        return { password: await promiseOf(user.password), passwordIsSecret: await pulumi.isSecret(user.password), secretName: await promiseOf(user.secretName) };
    });
}

function secretBody(cloud: MockCloud): Record<string, unknown> {
    const version = cloud.find("aws:secretsmanager/secretVersion:SecretVersion", "user-partner-a");
    const revealed = revealSecrets(version.inputs, true) as { secretString: string };
    return JSON.parse(revealed.secretString);
}

describe("FtpUser", () => {
    let generated: Awaited<ReturnType<typeof deployUser>>;
    before(async () => {
        generated = await deployUser({ allowedSourceCidrs: ["10.10.1.0/24"] });
    });

    it("stores the login in the secret aws/transfer/<serverId>/<userName>", () => {
        assert.strictEqual(generated.result.secretName, `aws/transfer/${SERVER_ID}/partner-a`);
        assert.strictEqual(generated.cloud.accountOf(generated.cloud.find("aws:secretsmanager/secret:Secret", "user-partner-a")), HUB_ACCOUNT);
    });

    it("writes the seed format with a salted hash, never the plaintext password", async () => {
        const body = secretBody(generated.cloud);
        assert.deepStrictEqual(Object.keys(body).sort(), ["AllowedSourceCidrs", "HomeDirectoryDetails", "PasswordHash", "Policy", "Role"]);
        assert.strictEqual(body.Password, undefined);
        assert.ok(!JSON.stringify(body).includes(generated.result.password));
        assert.strictEqual(await verifyPassword(generated.result.password, String(body.PasswordHash)), true);
        assert.strictEqual(await verifyPassword(`${generated.result.password}x`, String(body.PasswordHash)), false);
    });

    it("maps the logical home / to /<bucket>/<prefix> and names the access role", () => {
        const body = secretBody(generated.cloud);
        assert.strictEqual(body.Role, ROLE_ARN);
        assert.deepStrictEqual(JSON.parse(String(body.HomeDirectoryDetails)), [{ Entry: "/", Target: "/analytics-drop-abc1234/partner-a" }]);
        assert.deepStrictEqual(body.AllowedSourceCidrs, ["10.10.1.0/24"]);
    });

    it("confines the session policy to the user's prefix", () => {
        const policy = parsePolicy(secretBody(generated.cloud).Policy);
        const resources = policy.Statement.flatMap((s) => [s.Resource].flat()).map(String);
        for (const resource of resources) assert.match(resource, /^arn:aws:s3:::analytics-drop-abc1234(\/partner-a\/\*)?$/);
        assert.ok(resources.includes("arn:aws:s3:::analytics-drop-abc1234/partner-a/*"));
    });

    it("gives a read-only user a session policy without writes or deletes", async () => {
        const { cloud } = await deployUser({ access: "read-only" });
        const actions = parsePolicy(secretBody(cloud).Policy).Statement.flatMap((s) => [s.Action].flat()).map(String);
        assert.ok(actions.includes("s3:GetObject"));
        assert.deepStrictEqual(actions.filter((a) => /Put|Delete/.test(a)), []);
    });

    it("generates a 32-character password and exposes it only as a secret output", () => {
        assert.match(generated.result.password, /^[A-Za-z0-9_-]{32}$/);
        assert.strictEqual(generated.result.passwordIsSecret, true);
        const everythingPublic = JSON.stringify(revealSecrets(generated.cloud.resources, false));
        assert.ok(!everythingPublic.includes(generated.result.password), "the password appears in plain state");
    });

    it("uses a caller's password when given, still as a secret", async () => {
        const { cloud, result } = await deployUser({ password: pulumi.secret("correct horse battery staple") });
        assert.strictEqual(result.password, "correct horse battery staple");
        assert.strictEqual(result.passwordIsSecret, true);
        assert.deepStrictEqual(cloud.byType("random:index/randomPassword:RandomPassword"), []);
        assert.strictEqual(await verifyPassword("correct horse battery staple", String(secretBody(cloud).PasswordHash)), true);
    });

    it("renders the same secret on every run, so an unchanged user shows no diff", async () => {
        const again = await deployUser({ allowedSourceCidrs: ["10.10.1.0/24"] });
        assert.deepStrictEqual(secretBody(again.cloud), secretBody(generated.cloud));
    });

    it("puts its secret on the hub provider and its generators on the random provider, never on a default provider", () => {
        assert.deepStrictEqual(generated.cloud.onDefaultProvider(), []);
        const salt = generated.cloud.find("random:index/randomBytes:RandomBytes", "user-partner-a-credentials");
        assert.match(String(salt.provider), /pulumi:providers:random::random$/);
    });

    it("refuses a user name outside Transfer's pattern before anything is created", async () => {
        const cloud = await InProcessCloud.install();
        assert.throws(() => new FtpUser("bad", userArgs({ userName: "a b" })), /FtpUser bad: userName "a b" does not match/);
        await cloud.settled();
        assert.deepStrictEqual(cloud.resources.filter((r) => r.custom), []);
    });

    describe("with a shared credential seed", () => {
        const SEED = "ab".repeat(32);
        const deployWithSeed = (userName: string, extra: Partial<FtpUserArgs> = {}) => onMockCloud(async ({ hub, random }) => {
            const user = new FtpUser(`user-${userName}`, userArgs({ userName, credentialSeed: pulumi.secret(SEED), ...extra }), { providers: [hub, random] });
            return { password: await promiseOf(user.password), passwordIsSecret: await pulumi.isSecret(user.password) };
        });

        it("costs no random resource per user, and derives a distinct password and salt for each user", async () => {
            const a = await deployWithSeed("partner-a");
            const b = await deployWithSeed("partner-b");
            assert.deepStrictEqual(a.cloud.resources.filter((r) => r.type.startsWith("random:index/")), []);
            assert.match(a.result.password, /^[A-Za-z0-9_-]{32}$/);
            assert.notStrictEqual(a.result.password, b.result.password);
            assert.strictEqual(a.result.passwordIsSecret, true);
            const saltOf = (cloud: MockCloud, user: string) => {
                const body = JSON.parse(String(revealSecrets(cloud.find("aws:secretsmanager/secretVersion:SecretVersion", `user-${user}`).inputs.secretString, true)));
                return String(body.PasswordHash).split("$")[3];
            };
            assert.notStrictEqual(saltOf(a.cloud, "partner-a"), saltOf(b.cloud, "partner-b"));
            assert.ok(!JSON.stringify(revealSecrets(a.cloud.resources, false)).includes(a.result.password), "the password appears in plain state");
        });

        it("rotates a generated password when passwordVersion rises, and only then", async () => {
            const first = await deployWithSeed("partner-a");
            const same = await deployWithSeed("partner-a", { passwordVersion: 1 });
            const second = await deployWithSeed("partner-a", { passwordVersion: 2 });
            assert.strictEqual(same.result.password, first.result.password);
            assert.notStrictEqual(second.result.password, first.result.password);
        });

        it("refuses passwordVersion without a seed, and a seed shorter than 32 bytes", async () => {
            await InProcessCloud.install();
            assert.throws(() => new FtpUser("v", userArgs({ passwordVersion: 2 })), /FtpUser v: passwordVersion needs credentialSeed/);
            assert.throws(() => new FtpUser("z", userArgs({ passwordVersion: 0, credentialSeed: SEED })), /passwordVersion 0 is not a whole number from 1/);
            assert.throws(() => derivedCredentialHex("ab".repeat(16), "partner-a", 1), /credentialSeed: needs at least 32 bytes of hex/);
        });
    });
});
