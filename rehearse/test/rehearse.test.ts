// The rehearsal, driven by a real FTP client (basic-ftp) for every user of Pulumi.dev.yaml: logins through
// the real IdP bundle, every S3/KMS call decided by the plan's own documents, objects on disk.
import * as assert from "assert";
import { Client, FTPError } from "basic-ftp";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable, Writable } from "stream";
import { readStackFile, StackConfig } from "../../plan/plan";
import { planOnce } from "../../plan/test/plans";
import { banner, FlagError, main, parseFlags } from "../cli";
import { rehearsalModel, RehearsalModel } from "../model";
import { Rehearsal, RehearsalEvent, startRehearsal } from "../server";
import { CallRecord } from "../session-file-system";
import { callTableMarkdown, TRANSFER_CALLS } from "../transfer-calls";

const ROOT = path.resolve(__dirname, "..", "..");
const INSIDE_PARTNER_A_CIDR = "10.10.1.7";

interface Running { rehearsal: Rehearsal; events: RehearsalEvent[]; dataDir: string; model: RehearsalModel }

const started: Running[] = [];

async function rehearse(model: RehearsalModel, sourceIp?: string): Promise<Running> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-test-"));
    const events: RehearsalEvent[] = [];
    const running = { events, dataDir, model } as Running;
    started.push(running);
    running.rehearsal = await startRehearsal({ model, dataDir, port: 0, sourceIp, onEvent: (e) => events.push(e) });
    return running;
}

const calls = (r: Running, from = 0): CallRecord[] => r.events.slice(from).flatMap((e) => (e.kind === "call" ? [e.call] : []));
/** basic-ftp retries a failed "LIST -a" as "LIST": the same refusal twice is one attempt. */
const refusals = (r: Running, from = 0): CallRecord[] => calls(r, from).filter((c, i, all) => !c.allowed && !all.slice(0, i).some((p) => JSON.stringify(p) === JSON.stringify(c)));
const passwordOf = (model: RehearsalModel, user: string) => model.users.find((u) => u.userName === user)?.password as string;
const homeOf = (model: RehearsalModel, user: string) => model.users.find((u) => u.userName === user)?.home as string;
const onDisk = (r: Running, user: string, name: string) => path.join(r.dataDir, homeOf(r.model, user), name);

/** Logs in over FTP and runs `use`; the client is closed whatever happens. */
async function asUser<T>(r: Running, user: string, use: (client: Client) => Promise<T>, password = passwordOf(r.model, user)): Promise<T> {
    const client = new Client(5000);
    try {
        await client.access({ host: r.rehearsal.host, port: r.rehearsal.port, user, password });
        return await use(client);
    } finally {
        client.close();
    }
}

const put = (client: Client, name: string, body: string) => client.uploadFrom(Readable.from([Buffer.from(body)]), name);
async function get(client: Client, name: string): Promise<string> {
    const chunks: Buffer[] = [];
    await client.downloadTo(new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } }), name);
    return Buffer.concat(chunks).toString("utf8");
}
async function refusedWith(code: number, attempt: Promise<unknown>): Promise<void> {
    await assert.rejects(attempt, (err: FTPError) => err.code === code || assert.fail(`expected ${code}, got ${err.code}: ${err.message}`));
}

function withSecret(model: RehearsalModel, user: string, change: (secret: Record<string, string>) => void): RehearsalModel {
    const copy = structuredClone(model);
    const name = `aws/transfer/${model.serverId}/${user}`;
    const secret = JSON.parse(copy.secrets[name]) as Record<string, string>;
    change(secret);
    copy.secrets[name] = JSON.stringify(secret);
    return copy;
}

/** The round trip every read-write user must pass, and the S3 (and KMS) calls it must make, in order. */
async function roundTrip(r: Running, user: string): Promise<CallRecord[]> {
    const from = r.events.length;
    await asUser(r, user, async (client) => {
        await put(client, "report.csv", `rows of ${user}`);
        assert.strictEqual(fs.readFileSync(onDisk(r, user, "report.csv"), "utf8"), `rows of ${user}`);
        assert.deepStrictEqual((await client.list()).map((f) => f.name), ["report.csv"]);
        assert.strictEqual(await get(client, "report.csv"), `rows of ${user}`);
        assert.strictEqual(await client.size("report.csv"), `rows of ${user}`.length);
        await client.rename("report.csv", "report-1.csv");
        assert.ok(!fs.existsSync(onDisk(r, user, "report.csv")) && fs.existsSync(onDisk(r, user, "report-1.csv")));
        await client.send("MKD in");
        await client.send("RMD in");
        await client.remove("report-1.csv");
        assert.deepStrictEqual(await client.list(), []);
    });
    const made = calls(r, from);
    assert.deepStrictEqual(made.filter((c) => !c.allowed), [], "a call of the round trip was refused");
    return made;
}

const S3_ROUND_TRIP = [
    "STOR s3:PutObject", "LIST s3:ListBucket", "RETR s3:GetObject", "SIZE s3:GetObject", "RNFR s3:GetObject",
    "RNTO s3:GetObject", "RNTO s3:PutObject", "RNTO s3:DeleteObject", "MKD s3:PutObject", "RMD s3:ListBucket", "RMD s3:DeleteObject",
    "DELE s3:DeleteObject", "LIST s3:ListBucket",
];
const KMS_ROUND_TRIP = [
    "STOR s3:PutObject", "STOR kms:GenerateDataKey", "STOR kms:Decrypt", "LIST s3:ListBucket", "RETR s3:GetObject", "RETR kms:Decrypt",
    "SIZE s3:GetObject", "RNFR s3:GetObject", "RNTO s3:GetObject", "RNTO kms:Decrypt", "RNTO s3:PutObject", "RNTO kms:GenerateDataKey",
    "RNTO s3:DeleteObject", "MKD s3:PutObject", "MKD kms:GenerateDataKey", "RMD s3:ListBucket", "RMD s3:DeleteObject", "DELE s3:DeleteObject", "LIST s3:ListBucket",
];
const steps = (made: CallRecord[]) => made.map((c) => `${c.command} ${c.action}`);

describe("npm run rehearse: the dev stack on loopback", function () {
    this.timeout(30_000);
    let devConfig: StackConfig;
    let dev: RehearsalModel;
    let devHubKms: RehearsalModel;
    let loopback: Running;
    let partnerNetwork: Running;

    before(async () => {
        devConfig = readStackFile("dev", ROOT);
        dev = rehearsalModel(await planOnce("dev", devConfig), devConfig);
        // A test-only stack built from dev: the hub's bucket on SSE-KMS too.
        const buckets = (JSON.parse(devConfig.config["closed-ftp:buckets"]) as { name: string; encryption?: string }[])
            .map((b) => (b.name === "inbox" ? { ...b, encryption: "kms" } : b));
        const hubKmsConfig = { ...devConfig, config: { ...devConfig.config, "closed-ftp:buckets": JSON.stringify(buckets) } };
        devHubKms = rehearsalModel(await planOnce("dev", hubKmsConfig), hubKmsConfig);
        loopback = await rehearse(dev);
        partnerNetwork = await rehearse(dev, INSIDE_PARTNER_A_CIDR);
    });

    after(async () => {
        // Runs even when a before hook failed: every server started is closed, every data directory removed.
        for (const r of started.splice(0)) {
            await r.rehearsal?.stop();
            fs.rmSync(r.dataDir, { recursive: true, force: true });
        }
    });

    it("prints each user's folder under --data, and says whether --source-ip is inside a restricted user's ranges", () => {
        const at = { host: "127.0.0.1", port: 2121 } as Rehearsal;
        const flags = (sourceIp?: string) => {
            const parsed = parseFlags(["--stack", "dev", "--data", "/srv/ftp", ...(sourceIp ? ["--source-ip", sourceIp] : [])]);
            assert.ok(parsed !== "help");
            return parsed;
        };
        const plain = banner(dev, at, flags(), "/srv/ftp");
        assert.match(plain, new RegExp(`user1 \\(read-write\\) home ${homeOf(dev, "user1")} \\(/srv/ftp${homeOf(dev, "user1")}\\)`));
        assert.match(plain, /only from 10\.10\.1\.0\/24: from 127\.0\.0\.1, rehearse with --source-ip <an address inside>/);
        assert.match(banner(dev, at, flags("10.10.1.7"), "/srv/ftp"), /only from 10\.10\.1\.0\/24: --source-ip 10\.10\.1\.7 is inside\n/);
        assert.match(banner(dev, at, flags("10.10.2.7"), "/srv/ftp"), /only from 10\.10\.1\.0\/24: --source-ip 10\.10\.2\.7 is outside, so its logins are refused/);
        assert.doesNotMatch(banner(dev, at, flags("10.10.1.7"), "/srv/ftp"), /rehearse with --source-ip/);
    });

    describe("shared and nested homes, as the session policies decide", () => {
        let shared: Running;
        before(async () => {
            // Test-only users on dev: an auditor in partner-b's folder, and a team folder inside user1's home.
            const users = [...JSON.parse(devConfig.config["closed-ftp:users"]) as Record<string, unknown>[],
                { userName: "auditor", home: "analytics-drop/partner-b", access: "read-only" },
                { userName: "user1-team", home: "inbox/user1/team" }];
            const config = { ...devConfig, config: { ...devConfig.config, "closed-ftp:users": JSON.stringify(users) } };
            shared = await rehearse(rehearsalModel(await planOnce("dev", config), config));
        });

        it("lets a read-only auditor read what the writer of its folder writes, and refuses its writes (550)", async () => {
            await asUser(shared, "partner-b", (client) => put(client, "for-audit.csv", "ledger"));
            await asUser(shared, "auditor", async (client) => {
                assert.ok((await client.list()).some((f) => f.name === "for-audit.csv"));
                assert.strictEqual(await get(client, "for-audit.csv"), "ledger");
                await refusedWith(550, put(client, "forged.csv", "x"));
                await refusedWith(550, client.remove("for-audit.csv"));
            });
        });

        it("shows a parent's user the nested user's files, and keeps the nested user inside its own folder", async () => {
            await asUser(shared, "user1", (client) => put(client, "parent-only.csv", "mine"));
            await asUser(shared, "user1-team", async (client) => {
                await put(client, "team.csv", "ours");
                assert.deepStrictEqual((await client.list()).map((f) => f.name), ["team.csv"]);
                // Its "/" is its own folder: the parent's file is not even there to be refused.
                await assert.rejects(get(client, "../parent-only.csv"), (err: FTPError) => err.code === 550 || err.code === 551);
            });
            await asUser(shared, "user1", async (client) => assert.strictEqual(await get(client, "team/team.csv"), "ours"));
        });
    });

    describe("logins go through the real IdP bundle", () => {
        for (const user of ["user1", "partner-b", "archiver"]) {
            it(`admits ${user} with the plan's password and refuses a wrong one (530), as the IdP decides`, async () => {
                await asUser(loopback, user, async (client) => assert.strictEqual(await client.pwd(), "/"));
                const from = loopback.events.length;
                await refusedWith(530, asUser(loopback, user, async () => undefined, "wrong-password-123456"));
                const idp = loopback.events.slice(from).find((e) => e.kind === "idp");
                assert.match(idp?.kind === "idp" ? idp.line : "", new RegExp(`"reason":"wrong-password","username":"${user}",.*"sourceIp":"127.0.0.1"`));
            });
        }

        it("refuses partner-a from 127.0.0.1, outside its allowedSourceCidrs 10.10.1.0/24 (530, source-ip-not-allowed)", async () => {
            const from = loopback.events.length;
            await refusedWith(530, asUser(loopback, "partner-a", async () => undefined));
            const lines = loopback.events.slice(from).flatMap((e) => (e.kind === "idp" ? [e.line] : []));
            assert.match(lines.join("\n"), /"reason":"source-ip-not-allowed","username":"partner-a"/);
        });

        it("admits partner-a from inside its CIDR (--source-ip), and still refuses its wrong password", async () => {
            await asUser(partnerNetwork, "partner-a", async (client) => assert.strictEqual(await client.pwd(), "/"));
            await refusedWith(530, asUser(partnerNetwork, "partner-a", async () => undefined, "wrong-password-123456"));
        });

        it("runs the bundle's own decision: a secret whose Role the plan does not create grants no session", async () => {
            const r = await rehearse(withSecret(dev, "user1", (s) => { s.Role = "arn:aws:iam::111111111111:role/not-in-the-plan"; }));
            await refusedWith(530, asUser(r, "user1", async () => undefined, passwordOf(dev, "user1")));
            assert.ok(r.events.some((e) => e.kind === "login" && !e.granted && /not-in-the-plan, which the plan does not create/.test(e.reason ?? "")));
        });
    });

    describe("each user's home, every call authorised by the plan's documents", () => {
        it("user1 (hub bucket, SSE-S3, read-write): put, list, get, size, rename, mkdir, rmdir, delete in its home, as S3 calls without KMS", async () => {
            const made = await roundTrip(loopback, "user1");
            assert.deepStrictEqual(steps(made), S3_ROUND_TRIP);
            assert.ok(made.every((c) => c.resource.startsWith("arn:aws:s3:::closed-ftp-dev-inbox-")));
            assert.deepStrictEqual([...new Set(made.filter((c) => c.prefix !== undefined).map((c) => c.prefix))], ["user1/", "user1/in/"]);
        });

        it("partner-b (analytics spoke, SSE-KMS, read-write): the same round trip, with the spoke key's GenerateDataKey and Decrypt allowed", async () => {
            const made = await roundTrip(loopback, "partner-b");
            assert.deepStrictEqual(steps(made), KMS_ROUND_TRIP);
            const keyArn = Object.values(dev.buckets).find((b) => b.name.startsWith("closed-ftp-dev-analytics-drop-"))?.kmsKeyArn as string;
            assert.match(keyArn, /^arn:aws:kms:ap-northeast-1:222222222222:key\//);
            assert.ok(made.filter((c) => c.action.startsWith("kms:")).every((c) => c.resource === keyArn));
        });

        it("archiver (archive spoke, SSE-S3, read-write): the round trip across accounts, without KMS", async () => {
            assert.deepStrictEqual(steps(await roundTrip(loopback, "archiver")), S3_ROUND_TRIP);
        });

        it("user1 on an SSE-KMS hub bucket (test stack): the round trip with the hub key's calls allowed", async () => {
            const r = await rehearse(devHubKms);
            const made = await roundTrip(r, "user1");
            assert.deepStrictEqual(steps(made), KMS_ROUND_TRIP);
            assert.ok(made.filter((c) => c.action.startsWith("kms:")).every((c) => c.resource.startsWith("arn:aws:kms:ap-northeast-1:111111111111:key/")));
        });

        it("partner-a (read-only, SSE-KMS spoke): lists and gets with kms:Decrypt; every write is 550, refused by the session policy", async () => {
            fs.mkdirSync(path.dirname(onDisk(partnerNetwork, "partner-a", "in.csv")), { recursive: true });
            fs.writeFileSync(onDisk(partnerNetwork, "partner-a", "in.csv"), "for partner-a");
            const from = partnerNetwork.events.length;
            await asUser(partnerNetwork, "partner-a", async (client) => {
                assert.deepStrictEqual((await client.list()).map((f) => f.name), ["in.csv"]);
                assert.strictEqual(await get(client, "in.csv"), "for partner-a");
                await refusedWith(550, put(client, "out.csv", "nope"));
                await refusedWith(550, client.remove("in.csv"));
                await refusedWith(550, client.send("MKD out"));
                await refusedWith(550, client.rename("in.csv", "moved.csv"));
            });
            const made = calls(partnerNetwork, from);
            assert.deepStrictEqual(made.filter((c) => c.allowed).map((c) => `${c.command} ${c.action}`), [
                "LIST s3:ListBucket", "RETR s3:GetObject", "RETR kms:Decrypt", "RNFR s3:GetObject", "RNTO s3:GetObject", "RNTO kms:Decrypt",
            ]);
            assert.deepStrictEqual(made.filter((c) => !c.allowed).map((c) => `${c.command} ${c.action} ${c.refusedBy}`), [
                "STOR s3:PutObject session policy", "DELE s3:DeleteObject session policy", "MKD s3:PutObject session policy", "RNTO s3:PutObject session policy",
            ]);
            assert.ok(fs.existsSync(onDisk(partnerNetwork, "partner-a", "in.csv")) && !fs.existsSync(onDisk(partnerNetwork, "partner-a", "out.csv")));
        });

        it("keeps a LOGICAL home closed: cd .. stays at /, and ../escape.csv lands in the home", async () => {
            await asUser(loopback, "user1", async (client) => {
                await client.cd("..");
                assert.strictEqual(await client.pwd(), "/");
                await put(client, "../escape.csv", "still home");
                await client.remove("escape.csv");
            });
            assert.ok(!fs.existsSync(path.join(loopback.dataDir, homeOf(dev, "user1"), "..", "escape.csv")));
        });
    });

    describe("a refused call is 550, and the log names the action, the resource and the document", () => {
        it("a home entry outside the user's prefix: put, list and get refused by the session policy", async () => {
            const bucket = homeOf(dev, "user1").split("/")[1];
            const r = await rehearse(withSecret(dev, "user1", (s) => {
                s.HomeDirectoryDetails = JSON.stringify([{ Entry: "/", Target: `/${bucket}/user1` }, { Entry: "/neighbour", Target: `/${bucket}/user2` }]);
            }));
            await asUser(r, "user1", async (client) => {
                await refusedWith(550, put(client, "/neighbour/x.csv", "x"));
                await refusedWith(550, client.list("/neighbour"));
                await refusedWith(550, get(client, "/neighbour/y.csv"));
            });
            assert.deepStrictEqual(refusals(r).map((c) => [c.action, c.resource, c.prefix, c.refusedBy]), [
                ["s3:PutObject", `arn:aws:s3:::${bucket}/user2/x.csv`, undefined, "session policy"],
                ["s3:ListBucket", `arn:aws:s3:::${bucket}`, "user2/", "session policy"],
                ["s3:GetObject", `arn:aws:s3:::${bucket}/user2/y.csv`, undefined, "session policy"],
            ]);
        });

        it("a KMS user whose session policy lacks the key: the upload is refused on kms:GenerateDataKey by the session policy", async () => {
            const r = await rehearse(withSecret(dev, "partner-b", (s) => {
                const policy = JSON.parse(s.Policy) as { Statement: { Sid: string }[] };
                s.Policy = JSON.stringify({ ...policy, Statement: policy.Statement.filter((st) => st.Sid !== "UseBucketKey") });
            }));
            await asUser(r, "partner-b", (client) => refusedWith(550, put(client, "x.csv", "x")));
            assert.deepStrictEqual(refusals(r).map((c) => `${c.action} ${c.refusedBy}`), ["kms:GenerateDataKey session policy"]);
            assert.ok(!fs.existsSync(onDisk(r, "partner-b", "x.csv")));
        });

        it("an access role recreated with a new RoleId: refused by the spoke bucket policy", async () => {
            const model = structuredClone(dev);
            const role = Object.values(model.roles).find((ro) => ro.name.startsWith("bucket-archive-drop-access")) as RehearsalModel["roles"][string];
            role.uniqueId = "AROARECREATEDROLE0001";
            const r = await rehearse(model);
            await asUser(r, "archiver", (client) => refusedWith(550, client.list()));
            assert.deepStrictEqual(refusals(r).map((c) => `${c.action} ${c.refusedBy}`), ["s3:ListBucket bucket policy"]);
        });

        it("a key policy that does not admit the hub role: the upload is refused by the key policy", async () => {
            const model = structuredClone(dev);
            for (const key of Object.values(model.keys)) {
                key.policy = { ...key.policy, Statement: (key.policy.Statement as { Sid: string }[]).filter((s) => s.Sid !== "HubAccessRoleUsesKeyThroughS3") };
            }
            const r = await rehearse(model);
            await asUser(r, "partner-b", (client) => refusedWith(550, put(client, "x.csv", "x")));
            assert.deepStrictEqual(calls(r).map((c) => `${c.action} ${c.allowed ? "allowed" : c.refusedBy}`), ["s3:PutObject allowed", "kms:GenerateDataKey key policy"]);
        });

        it("a role without the bucket's grant: refused by the identity policy", async () => {
            const model = structuredClone(dev);
            for (const role of Object.values(model.roles)) role.identityPolicies = [];
            const r = await rehearse(model);
            await asUser(r, "user1", (client) => refusedWith(550, client.list()));
            assert.deepStrictEqual(refusals(r).map((c) => `${c.action} ${c.refusedBy}`), ["s3:ListBucket identity policy"]);
        });

        it("a bucket policy's explicit deny is named with its statement", async () => {
            const model = structuredClone(dev);
            // The rendered TLS deny can never match a Transfer session; turned around, it denies every one.
            for (const bucket of Object.values(model.buckets)) {
                const policy = bucket.policy as { Statement: { Sid: string; Condition?: unknown }[] };
                policy.Statement = policy.Statement.map((s) => (s.Sid === "DenyWithoutTls" ? { ...s, Condition: { Bool: { "aws:SecureTransport": "true" } } } : s));
            }
            const r = await rehearse(model);
            await asUser(r, "user1", (client) => refusedWith(550, client.list()));
            const [refused] = calls(r);
            assert.deepStrictEqual([refused.refusedBy, refused.statement], ["bucket policy", "DenyWithoutTls"]);
        });
    });
});

describe("npm run rehearse: the command", () => {
    it("refuses bad flags naming the flag (exit 2)", async () => {
        const cases: [string[], RegExp][] = [
            [["--stack", "dev", "--bogus"], /unknown flag "--bogus"/],
            [["--port", "2121"], /--stack is required/],
            [["--stack", "dev", "--port", "70000"], /--port "70000": a port is a whole number from 0 to 65535/],
            [["--stack", "dev", "--passive-ports", "8200"], /--passive-ports "8200": expected a range A-B/],
            [["--stack", "dev", "--passive-ports", "8300-8200"], /--passive-ports "8300-8200": the first port is above the last/],
            [["--stack", "dev", "--source-ip", "10.10.1"], /--source-ip "10.10.1": not an IPv4 or IPv6 address/],
            [["--stack", "dev", "--data"], /--data needs a value/],
            [["--stack", "dev", "--dir", "/no/such/project"], /--dir \/no\/such\/project: no such folder/],
        ];
        for (const [argv, message] of cases) {
            assert.throws(() => parseFlags(argv), (err: Error) => err instanceof FlagError && message.test(err.message));
            const errors: string[] = [];
            assert.strictEqual(await main(argv, { out: () => undefined, err: (l) => errors.push(l) }), 2);
            assert.match(errors.join("\n"), message);
        }
        assert.deepStrictEqual(parseFlags(["--stack", "dev"]), { stack: "dev", port: 2121, passivePorts: { min: 8192, max: 8200 }, dir: ROOT });
    });

    it("reports a bad stack file's validation errors (exit 1) and serves nothing", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-bad-"));
        try {
            const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), dev.replace("home: inbox/user1", "home: nowhere/user1"));
            const errors: string[] = [];
            assert.strictEqual(await main(["--stack", "bad", "--dir", dir], { out: () => undefined, err: (l) => errors.push(l) }), 1);
            assert.match(errors.join("\n"), /closed-ftp:users\[0\]\.home: .*"nowhere"/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reports a plan that cannot start in the runner's words (exit 1), without a stack trace", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-big-"));
        try {
            const users = Array.from({ length: 3000 }, (_, i) => ({ userName: `user-${i}`, home: `inbox/user-${i}` }));
            fs.writeFileSync(path.join(dir, "Pulumi.big.yaml"), JSON.stringify({ config: { "aws:region": "ap-northeast-1", "closed-ftp:users": users } }));
            const errors: string[] = [];
            assert.strictEqual(await main(["--stack", "big", "--dir", dir], { out: () => undefined, err: (l) => errors.push(l) }), 1);
            assert.match(errors.join("\n"), /^rehearse: the stack's config is \d+ bytes as PULUMI_CONFIG/);
            assert.doesNotMatch(errors.join("\n"), /\n\s+at /);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("prints each user, its password, home and how to connect; serves it; stops cleanly on SIGINT (exit 0)", async function () {
        this.timeout(30_000);
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "rehearse", "cli.ts"), "--stack", "dev", "--port", "0", "--passive-ports", "8201-8209"], {
            cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        try {
            await new Promise<void>((resolve, reject) => {
                const poll = setInterval(() => {
                    const ready = out.includes("Ctrl-C stops the rehearsal.");
                    if (ready || child.exitCode !== null) clearInterval(poll);
                    if (ready) resolve();
                    else if (child.exitCode !== null) reject(new Error(`rehearse exited early:\n${out}`));
                }, 50);
            });
            for (const user of ["user1", "partner-a", "partner-b", "archiver"]) assert.match(out, new RegExp(`^${user} \\((read-write|read-only)\\) home /closed-ftp-dev-`, "m"));
            assert.match(out, /only from 10\.10\.1\.0\/24/);
            const port = Number(/FTP on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
            assert.match(out, new RegExp(`connect: lftp -u user1 -p ${port} 127\\.0\\.0\\.1`));
            const password = /^user1 .*\n {2}password (\S+) \(generated by the plan\)/m.exec(out)?.[1] as string;
            const client = new Client(5000);
            try {
                await client.access({ host: "127.0.0.1", port, user: "user1", password });
                await client.list();
            } finally {
                client.close();
            }
            child.kill("SIGINT");
            assert.strictEqual(await exited, 0);
            assert.match(out, /user1 LIST \/: s3:ListBucket arn:aws:s3:::closed-ftp-dev-inbox-\w+ \(s3:prefix "user1\/"\) allowed/);
            assert.match(out, /rehearse: SIGINT: stopping\nrehearse: stopped/);
        } finally {
            if (child.exitCode === null) child.kill("SIGKILL");
        }
    });

    it("documents every FTP command's calls in one table", () => {
        const table = callTableMarkdown();
        for (const command of ["LIST", "RETR", "STOR", "DELE", "MKD", "RMD", "RNFR", "RNTO", "SIZE", "MDTM"]) {
            assert.ok(command in TRANSFER_CALLS);
            assert.match(table, new RegExp(`^\\| \`${command}\` \\|`, "m"));
        }
    });

    it("keeps the AGPL IAM evaluator a devDependency that nothing deployed imports", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: object; devDependencies: object };
        assert.ok("@cloud-copilot/iam-simulate" in pkg.devDependencies && !("@cloud-copilot/iam-simulate" in pkg.dependencies));
        const deployed = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) return ["test", "test-support", "bench", "dist", "node_modules"].includes(e.name) ? [] : deployed(rel);
            return rel.endsWith(".ts") ? [rel] : [];
        });
        const importers = ["infra", "stacks", "idp-lambda"].flatMap(deployed).filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("@cloud-copilot/iam-simulate"));
        assert.deepStrictEqual(importers, []);
    });
});
