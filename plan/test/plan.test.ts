import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanDocument } from "../format";
import { OFFLINE_SECRET, PlanInputError, readStackFile, renderPlan, summarizePlan } from "../plan";
import { parseFlags } from "../cli";
import { planOnce } from "./plans";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function plan(...args: string[]) {
    return planWith({}, ...args);
}

function planWith(env: Record<string, string>, ...args: string[]) {
    const result = spawnSync(TSX, [path.join(ROOT, "plan", "cli.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan", () => {
    let json: PlanDocument;
    before(() => {
        const run = plan("--stack", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        json = JSON.parse(run.stdout);
    });

    it("prints one JSON document with the documented shape", () => {
        assert.deepStrictEqual(Object.keys(json).sort(), ["outputs", "project", "resources", "stack"]);
        assert.strictEqual(json.project, "closed-ftp");
        assert.strictEqual(json.stack, "dev");
        for (const r of json.resources) {
            for (const key of ["urn", "type", "name", "parent", "provider", "inputs", "state"]) assert.ok(key in r, `${r.urn} lacks ${key}`);
            assert.match(r.urn, /^urn:pulumi:dev::closed-ftp::/);
        }
    });

    it("lists the providers as resources, so every resource's account can be traced through its provider", () => {
        const providers = json.resources.filter((r) => r.type === "pulumi:providers:aws");
        assert.strictEqual(providers.length, 4);
        const accountOf = new Map(providers.map((p) => [p.urn, JSON.parse(String(p.inputs.allowedAccountIds))[0]]));
        const server = json.resources.find((r) => r.type === "aws:transfer/server:Server");
        assert.strictEqual(accountOf.get(String(server?.provider)), "111111111111");
        const policy = json.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "bucket-archive-drop");
        assert.strictEqual(accountOf.get(String(policy?.provider)), "333333333333");
        // The endpoint's DNS record lives in the network account, whose Route 53 holds the private zone.
        const record = json.resources.find((r) => r.type === "aws:route53/record:Record");
        assert.strictEqual(accountOf.get(String(record?.provider)), "444444444444");
        // By default each provider assumes its account's deploy role.
        for (const p of providers) assert.deepStrictEqual(JSON.parse(String(p.inputs.assumeRoles)).map((r: { roleArn: string }) => r.roleArn), [`arn:aws:iam::${JSON.parse(String(p.inputs.allowedAccountIds))[0]}:role/closed-ftp-bootstrap/closed-ftp-dev-deploy`]);
        const component = json.resources.find((r) => r.type === "closed-ftp:index:CrossAccountBucket");
        assert.strictEqual(component?.provider, null);
        const child = json.resources.find((r) => r.parent === component?.urn);
        assert.ok(child, "children name their component as parent");
    });

    it("masks secrets as [secret] and never prints a password or secret body", () => {
        const versions = json.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.strictEqual(versions.length, 4);
        for (const v of versions) assert.strictEqual(v.inputs.secretString, "[secret]");
        assert.strictEqual(json.outputs.userPasswords, "[secret]");
        assert.ok(!JSON.stringify(json).includes("PasswordHash"));
    });

    it("plans as a first preview with --first-preview: computed values are [unknown], configured ones are not", () => {
        const run = plan("--stack", "dev", "--json", "--first-preview");
        assert.strictEqual(run.code, 0, run.stderr);
        const first: PlanDocument = JSON.parse(run.stdout);
        assert.strictEqual(first.firstPreview, true);
        for (const key of ["serverId", "serverArn", "endpointDnsName", "vpcEndpointId", "secretPrefix"]) assert.strictEqual(first.outputs[key], "[unknown]", key);
        assert.strictEqual(first.outputs.hubAccountId, "111111111111");
        const rule = first.resources.find((r) => r.name === "ftp-ftp-10-10-0-0-16");
        assert.deepStrictEqual([rule?.inputs.securityGroupId, rule?.inputs.cidrIpv4], ["[unknown]", "10.10.0.0/16"]);
        assert.strictEqual(first.resources.length, json.resources.length, "a first preview plans the same resources");
        // A generated secret the preview cannot know yet is still secret (the engine's additionalSecretOutputs).
        const seed = first.resources.find((r) => r.name === "credential-seed");
        assert.deepStrictEqual([seed?.state.hex, seed?.state.base64], ["[secret]", "[secret]"]);
    });

    // One run of the human summary, with the preview roles (the deploy roles are the --json run's, above).
    it("plans with the read-only preview roles under CLOSED_FTP_CREDENTIALS=preview, as the pull-request preview runs, and prints a summary grouped by account", () => {
        const run = planWith({ CLOSED_FTP_CREDENTIALS: "preview" }, "--stack", "dev");
        assert.strictEqual(run.code, 0, run.stderr);
        const assumed = run.stdout.split("\n").filter((l) => l.startsWith("account ")).map((l) => /assumes (\S+?)\)/.exec(l)?.[1]);
        assert.deepStrictEqual(assumed, ["111111111111", "222222222222", "333333333333", "444444444444"].map((a) => `arn:aws:iam::${a}:role/closed-ftp-bootstrap/closed-ftp-dev-preview`));
        assert.match(run.stdout, /account 111111111111 \(hub, ap-northeast-1, assumes arn:aws:iam::111111111111:role\/closed-ftp-bootstrap\/closed-ftp-dev-preview\): \d+ resources/);
        assert.match(run.stdout, /account 222222222222 \(spoke-analytics, .*\): \d+ resources/);
        assert.match(run.stdout, /account 333333333333 \(spoke-archive, .*\): \d+ resources/);
        assert.match(run.stdout, /\s1\s+aws:transfer\/server:Server/);
        assert.match(run.stdout, /userPasswords: "\[secret\]"/);
        // One resource reads as one, not "1 resources".
        assert.match(run.stdout, /kept only in Pulumi state\): 1 resource\n/);
        assert.doesNotMatch(run.stdout, /\b1 resources\b/);
        // Who lands where, a row per user.
        assert.match(run.stdout, /users: 4 users\n\s+user\s+access\s+account\s+home \(bucket\/prefix\)\s+source ranges\n/);
        assert.match(run.stdout, /\n\s+partner-a\s+read-only\s+analytics \(222222222222\)\s+analytics-drop\/partner-a\s+10\.10\.1\.0\/24\n/);
        assert.match(run.stdout, /\n\s+user1\s+read-write\s+hub \(111111111111\)\s+inbox\/user1\s+any allowed client\n/);
        // Outputs as indented YAML: no line-long JSON blobs.
        const outputs = run.stdout.slice(run.stdout.indexOf("\noutputs:"));
        assert.match(outputs, /\n {2}buckets:\n {4}analytics-drop:\n {6}accessRoleArn: /);
        assert.ok(outputs.split("\n").every((line) => line.length <= 140 && !line.includes("{\"")), outputs);
    });
    // The flag and the rendering, on the plan the --names test shares: one program run fewer.
    it("shows secrets with --show-secrets", async () => {
        assert.strictEqual((parseFlags(["--stack", "dev", "--json", "--show-secrets"]) as { showSecrets: boolean }).showSecrets, true);
        const shown = renderPlan((await planOnce("dev", readStackFile("dev", ROOT))).document, true);
        const passwords = shown.outputs.userPasswords as Record<string, string>;
        assert.deepStrictEqual(Object.keys(passwords).sort(), ["archiver", "partner-a", "partner-b", "user1"]);
        const version = shown.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.match(String(version?.inputs.secretString), /"PasswordHash":"\$scrypt\$ln=14/);
    });


    it("lists every resource's name under its type with --names", async () => {
        const run = await planOnce("dev", readStackFile("dev", ROOT));
        const named = summarizePlan(run, false, { names: true });
        assert.match(named, /\n {5}1 {2}aws:s3\/bucket:Bucket\n {10}bucket-inbox\n/);
        assert.ok(named.includes("\n          ftp-idp-secrets\n"), named);
        assert.ok(!summarizePlan(run, false).includes("\n          ftp-idp-secrets\n"));
        assert.deepStrictEqual(parseFlags(["--stack", "dev", "--names"]), { stack: "dev", bootstrap: false, json: false, names: true, showSecrets: false, firstPreview: false, dir: ROOT });
    });

    it("refuses a --dir that does not exist as a flag error, and hints at npm's -- when npm kept --stack", () => {
        assert.throws(() => parseFlags(["--stack", "dev", "--dir", "/no/such/folder"]), (err: Error) => err instanceof PlanInputError && err.message === "--dir /no/such/folder: no such folder (/no/such/folder)");
        assert.throws(() => parseFlags(["--stack", "dev", "--dir", path.join(ROOT, "package.json")]), /--dir .*package\.json: not a folder/);
        process.env.npm_config_stack = "dev";
        try {
            assert.throws(() => parseFlags([]), /npm took --stack for itself: put -- before the plan's flags, as in npm run plan -- --stack dev/);
        } finally {
            delete process.env.npm_config_stack;
        }
        assert.throws(() => parseFlags([]), (err: Error) => err instanceof PlanInputError && err.message.startsWith("--stack is required"));
    });

    it("turns secure: values into placeholders offline", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-plan-"));
        const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(path.join(dir, "Pulumi.sec.yaml"), `${dev}\n  closed-ftp:passwords:\n    user1:\n      secure: v1:AAAA\n`);
        const stack = readStackFile("sec", dir);
        assert.strictEqual(JSON.parse(stack.config["closed-ftp:passwords"]).user1, OFFLINE_SECRET);
        assert.deepStrictEqual(stack.secretKeys, ["closed-ftp:passwords"]);
        // One plain password beside a secure one: the engine would mark the whole map secret, so the plan refuses it here.
        fs.writeFileSync(path.join(dir, "Pulumi.mixed.yaml"), `${dev}\n  closed-ftp:passwords:\n    user1:\n      secure: v1:AAAA\n    partner-a: plain-text-password\n`);
        assert.throws(() => readStackFile("mixed", dir), (err: Error) => /closed-ftp:passwords\.partner-a: plain text in the stack file, and so in git/.test(err.message) && !err.message.includes("plain-text-password"));
    });

    it("exits 1 with every validation error, by path, and no stack trace, on a bad stack file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-plan-"));
        const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
        const bad = dev.replace('accountId: "222222222222"', 'accountId: "2222"').replace("home: inbox/user1", "home: nowhere/user1");
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), bad);
        const run = plan("--stack", "bad", "--dir", dir);
        assert.strictEqual(run.code, 1);
        assert.match(run.stderr, /closed-ftp:accounts\.analytics\.accountId/);
        assert.match(run.stderr, /closed-ftp:users\[0\]\.home/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
        assert.strictEqual(run.stdout, "");
    });

    it("exits 2 naming the flag on bad command-line input", () => {
        const unknown = plan("--stack", "dev", "--yes");
        assert.strictEqual(unknown.code, 2);
        assert.match(unknown.stderr, /unknown flag "--yes"/);
        const missing = plan("--json");
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /--stack is required/);
    });

    it("exits 1 naming its size, before starting the program, on a stack whose config Pulumi could not hand it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-plan-"));
        const users = Array.from({ length: 3000 }, (_, i) => ({ userName: `user-${i}`, home: `inbox/user-${i}` }));
        fs.writeFileSync(path.join(dir, "Pulumi.big.yaml"), JSON.stringify({ config: { "aws:region": "ap-northeast-1", "closed-ftp:users": users } }));
        const run = plan("--stack", "big", "--dir", dir);
        assert.strictEqual(run.code, 1);
        assert.match(run.stderr, /^plan: the stack's config is \d+ bytes as PULUMI_CONFIG, .*at most 131072 bytes.*Largest keys: closed-ftp:users/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    it("exits 1 naming the file when the stack has no config file", () => {
        const run = plan("--stack", "nosuchstack");
        assert.strictEqual(run.code, 1);
        assert.match(run.stderr, /Pulumi\.nosuchstack\.yaml does not exist .*stacks here: dev/);
    });
});
