// The outputs contract: every unusable output named by its path, no password in any message,
// and the real program's outputs (offline plan of the dev stack) accepted as they are.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile, renderPlan } from "../../plan/plan";
import { planOnce } from "../../plan/test/plans";
import { ftpHostOf } from "../outputs";
import { OutputsError, parseStackOutputs, readOutputsFile, readStackOutputs, runSmoke, SmokeInputError } from "../index";
import { outputsDocument } from "./ftp-outputs-fixture";

const PASSWORD = "user1-Password-0123456789";

function valid(): Record<string, unknown> {
    return outputsDocument({
        user1: { password: PASSWORD, access: "read-write" },
        "partner-a": { password: "partner-Password-9876543210", access: "read-only", bucket: "analytics-drop", allowedSourceCidrs: ["10.10.1.0/24"] },
    });
}

/** The issues parseStackOutputs reports for a document changed by `edit`, as "path: message" lines. */
function issuesOf(edit: (document: Record<string, unknown>) => void): string[] {
    const document = valid();
    edit(document);
    try {
        parseStackOutputs(document, "test");
    } catch (err) {
        assert.ok(err instanceof OutputsError, String(err));
        assert.ok(!err.message.includes(PASSWORD), "no password in a message");
        return err.issues.map((i) => `${i.path}: ${i.message}`);
    }
    assert.fail("the outputs were accepted");
}

const users = (d: Record<string, unknown>) => d.users as Record<string, Record<string, unknown>>;

describe("smoke: stack outputs validation", () => {
    it("accepts the documented shape, and keys it does not know", () => {
        const outputs = parseStackOutputs({ ...valid(), somethingNew: 1 }, "test");
        assert.strictEqual(outputs.users["partner-a"].access, "read-only");
        assert.strictEqual(outputs.userPasswords.user1, PASSWORD);
    });

    const cases: [string, (d: Record<string, unknown>) => void, string[]][] = [
        ["a missing output", (d) => { delete d.serverId; }, ["outputs.serverId: is missing"]],
        ["a server id of the wrong shape", (d) => { d.serverId = "s-123"; }, ['outputs.serverId: "s-123" is not a Transfer server id (s- and 17 hex digits)']],
        ["a region of the wrong shape", (d) => { d.region = "tokyo"; }, ['outputs.region: "tokyo" is not an AWS region name']],
        ["an unknown access", (d) => { users(d).user1.access = "admin"; }, ['outputs.users.user1.access: "admin" is not read-write or read-only']],
        ["a bad CIDR", (d) => { users(d)["partner-a"].allowedSourceCidrs = ["10.10.1.0/33"]; }, ['outputs.users.partner-a.allowedSourceCidrs.0: "10.10.1.0/33" is not a CIDR block']],
        ["users of the wrong type", (d) => { d.users = []; }, ["outputs.users: expected record, got an array"]],
        ["no users", (d) => { d.users = {}; d.userPasswords = {}; }, ["outputs.users: has no users: there is nothing to test"]],
        ["a user name Transfer refuses", (d) => { users(d)["a b"] = users(d).user1; (d.userPasswords as Record<string, string>)["a b"] = "x".repeat(16); },
            [`outputs.users.a b: "a b" does not match Transfer's user name pattern ^[\\w][\\w@.-]{2,99}$`]],
        ["a user's bucket missing from buckets", (d) => { users(d).user1.bucket = "nowhere"; }, ['outputs.users.user1.bucket: "nowhere" is not in outputs.buckets']],
        ["a server ARN of another server", (d) => { d.serverArn = "arn:aws:transfer:ap-northeast-1:111111111111:server/s-ffffffffffffffff0"; },
            ['outputs.serverArn: "arn:aws:transfer:ap-northeast-1:111111111111:server/s-ffffffffffffffff0" is not the ARN of server s-0123456789abcdef0']],
        ["masked passwords", (d) => { d.userPasswords = "[secret]"; }, ['outputs.userPasswords: is "[secret]": read the outputs with --show-secrets (pulumi stack output --json --show-secrets)']],
        ["no passwords", (d) => { delete d.userPasswords; }, ["outputs.userPasswords: is missing"]],
        ["a password given as a bare string", (d) => { d.userPasswords = PASSWORD; }, ["outputs.userPasswords: expected an object of passwords by user name, got a string"]],
        ["a user without a password", (d) => { delete (d.userPasswords as Record<string, string>)["partner-a"]; }, ["outputs.userPasswords.partner-a: is missing: every user needs its password"]],
    ];
    for (const [what, edit, expected] of cases) {
        it(`names ${what}`, () => assert.deepStrictEqual(issuesOf(edit), expected));
    }

    it("reports every problem at once", () => {
        const issues = issuesOf((d) => { delete d.region; delete users(d).user1.accessRoleArn; users(d).user1.access = "x"; d.userPasswords = "[secret]"; });
        assert.deepStrictEqual(issues.map((i) => i.split(":")[0]).sort(), ["outputs.region", "outputs.userPasswords", "outputs.users.user1.access", "outputs.users.user1.accessRoleArn"]);
    });

    it("names an outputs file that is missing or not JSON", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-smoke-"));
        try {
            const notJson = path.join(dir, "outputs.json");
            fs.writeFileSync(notJson, "Current stack outputs (12):");
            assert.throws(() => readOutputsFile(notJson), (err: OutputsError) => err.issues[0].path === "--outputs" && /is not JSON .*pulumi stack output --json --show-secrets/.test(err.issues[0].message));
            assert.throws(() => readOutputsFile(path.join(dir, "absent.json")), (err: OutputsError) => /^cannot read ".*absent\.json": ENOENT/.test(err.issues[0].message));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("accepts what the program really exports (offline plan of the dev stack, secrets shown)", async () => {
        const run = await planOnce("dev", readStackFile("dev", path.resolve(__dirname, "..", "..")));
        const exported = renderPlan(run.document, true).outputs;
        const outputs = parseStackOutputs(exported, "the dev stack's offline plan");
        // Stack outputs travel as protobuf Structs, maps without an order.
        assert.deepStrictEqual(Object.keys(outputs.users).sort(), ["archiver", "partner-a", "partner-b", "user1"]);
        assert.strictEqual(outputs.users["partner-a"].access, "read-only");
        // The private name (closed-ftp:dns), the endpoint's addresses, the alarm topic and the dashboard.
        assert.deepStrictEqual([outputs.endpointHostname, ftpHostOf(outputs), Object.keys(outputs.endpointPrivateIps ?? {}).sort()], ["ftp.corp.example.com", "ftp.corp.example.com", ["ap-northeast-1a", "ap-northeast-1c"]]);
        assert.deepStrictEqual([outputs.alarmTopicArn, outputs.dashboardName, outputs.buckets["analytics-drop"].eventBridge], ["arn:aws:sns:ap-northeast-1:111111111111:closed-ftp-dev-alarms", "closed-ftp-dev", true]);
        // Without closed-ftp:dns the round trip dials the endpoint's own name.
        assert.strictEqual(ftpHostOf({ ...outputs, endpointHostname: undefined }), outputs.endpointDnsName);
    });
});

describe("smoke: reading the outputs with the pulumi CLI", () => {
    let dir: string;
    /** A stand-in `pulumi` that records its arguments, then prints `stdout` and exits with `code`. */
    function fakePulumi(stdout: string, code = 0, stderr = ""): string {
        const script = path.join(dir, "pulumi");
        fs.writeFileSync(path.join(dir, "stdout"), stdout);
        fs.writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\ncat "${dir}/stdout"\nprintf '%s' '${stderr}' >&2\nexit ${code}\n`, { mode: 0o755 });
        return script;
    }
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-pulumi-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("asks for the stack's outputs with secrets shown, and validates them", async () => {
        const outputs = await readStackOutputs("dev", { cwd: dir, timeoutMs: 5_000, command: fakePulumi(JSON.stringify(valid())) });
        assert.strictEqual(outputs.userPasswords.user1, PASSWORD);
        assert.deepStrictEqual(fs.readFileSync(path.join(dir, "args"), "utf8").trimEnd().split("\n"), ["stack", "output", "--json", "--show-secrets", "--stack", "dev"]);
    });

    it("names a failing CLI with the end of its message, and never its output", async () => {
        const command = fakePulumi(`{"userPasswords":{"user1":"${PASSWORD}"}}`, 255, "error: no stack named dev found");
        await assert.rejects(readStackOutputs("dev", { cwd: dir, timeoutMs: 5_000, command }), (err: OutputsError) =>
            err.issues[0].path === "--stack" && err.issues[0].message === "pulumi stack output --json --show-secrets --stack dev failed (exit 255): error: no stack named dev found" && !err.message.includes(PASSWORD));
    });

    it("says how to do without a CLI that is not installed", async () => {
        await assert.rejects(readStackOutputs("dev", { cwd: dir, timeoutMs: 5_000, command: path.join(dir, "absent") }),
            /the pulumi CLI is not on PATH: install it, or pass --outputs <file> written by pulumi stack output --json --show-secrets/);
    });

});

describe("smoke: --user", () => {
    it("refuses a --user the stack does not have, listing the ones it has", async () => {
        const outputs = parseStackOutputs(valid(), 'stack "dev"');
        const unused = { testIdentityProvider: () => assert.fail("no call for a bad --user") };
        await assert.rejects(runSmoke(outputs, { source: 'stack "dev"', protocol: "FTP", users: ["user1", "ghost"] }, { transfer: unused, log: () => undefined }),
            (err: Error) => err instanceof SmokeInputError && err.message === '--user "ghost": not a user of stack "dev" (its users: user1, partner-a)');
    });
});
