// The rehearsal, driven by a real FTP client (basic-ftp) for every user of Pulumi.dev.yaml: logins through
// the real IdP bundle, every S3/KMS call decided by the plan's own documents, objects on disk.
import * as assert from "assert";
import { Client, FTPError } from "basic-ftp";
import { spawn } from "child_process";
import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Readable, Writable } from "stream";
import * as tls from "tls";
import { readStackFile, StackConfig } from "../../plan/plan";
import { planOnce } from "../../plan/test/plans";
import { banner, FlagError, main, parseFlags } from "../cli";
import { rehearsalModel, RehearsalModel } from "../model";
import { Rehearsal, RehearsalEvent, selfSignedCertificate, startRehearsal, TlsMaterial } from "../server";
import { CallRecord } from "../session-file-system";
import { callTableMarkdown, TRANSFER_CALLS } from "../transfer-calls";
import { FIDELITY, fidelityTableMarkdown, TRANSFER_FTP_COMMANDS } from "../transfer-ftp";

const ROOT = path.resolve(__dirname, "..", "..");
const INSIDE_PARTNER_A_CIDR = "10.10.1.7";

interface Running { rehearsal: Rehearsal; events: RehearsalEvent[]; dataDir: string; model: RehearsalModel }

const started: Running[] = [];

async function rehearse(model: RehearsalModel, sourceIp?: string, tls?: TlsMaterial): Promise<Running> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-test-"));
    const events: RehearsalEvent[] = [];
    const running = { events, dataDir, model } as Running;
    started.push(running);
    running.rehearsal = await startRehearsal({ model, dataDir, port: 0, sourceIp, tls, onEvent: (e) => events.push(e) });
    return running;
}

const calls = (r: Running, from = 0): CallRecord[] => r.events.slice(from).flatMap((e) => (e.kind === "call" ? [e.call] : []));
/** basic-ftp retries a failed "LIST -a" as "LIST": the same refusal twice is one attempt. */
const refusals = (r: Running, from = 0): CallRecord[] => calls(r, from).filter((c, i, all) => !c.allowed && !all.slice(0, i).some((p) => JSON.stringify(p) === JSON.stringify(c)));
const passwordOf = (model: RehearsalModel, user: string) => model.users.find((u) => u.userName === user)?.password as string;
const homeOf = (model: RehearsalModel, user: string) => model.users.find((u) => u.userName === user)?.home as string;
const onDisk = (r: Running, user: string, name: string) => path.join(r.dataDir, homeOf(r.model, user), name);

/** Logs in over FTP (over FTPS, trusting the rehearsal's certificate, when `secure`) and runs `use`; the client is closed whatever happens. */
async function asUser<T>(r: Running, user: string, use: (client: Client) => Promise<T>, password = passwordOf(r.model, user), secure = false): Promise<T> {
    const client = new Client(5000);
    try {
        await client.access({ host: r.rehearsal.host, port: r.rehearsal.port, user, password, ...(secure ? { secure: true, secureOptions: { ca: r.rehearsal.tls?.cert } } : {}) });
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

/**
 * An FTPS client as lftp is one: it sends LIST, waits for the 150, and only then starts TLS on the data
 * connection (resuming the control connection's session). Resolves with the control replies and the listing.
 */
async function lftpLikeListing(r: Running, user: string, how: { resume?: boolean; pipelined?: boolean } = {}): Promise<{ codes: number[]; listing: string }> {
    const codes: number[] = [];
    let buffered = "";
    let waiting: ((line: string) => void) | undefined;
    const lines: string[] = [];
    const onData = (chunk: Buffer) => {
        buffered += chunk.toString("latin1");
        for (let i = buffered.indexOf("\r\n"); i >= 0; i = buffered.indexOf("\r\n")) {
            const line = buffered.slice(0, i);
            buffered = buffered.slice(i + 2);
            if (!/^\d{3} /.test(line)) continue;
            if (waiting) { const w = waiting; waiting = undefined; w(line); } else lines.push(line);
        }
    };
    const next = () => new Promise<string>((resolve) => { const queued = lines.shift(); if (queued !== undefined) resolve(queued); else waiting = resolve; })
        .then((line) => { codes.push(Number(line.slice(0, 3))); return line; });
    const raw = net.connect(r.rehearsal.port, r.rehearsal.host);
    raw.on("data", onData);
    let control: net.Socket = raw;
    const send = (command: string) => { control.write(`${command}\r\n`); return next(); };
    try {
        await next();
        await send("AUTH TLS");
        raw.removeListener("data", onData);
        const secure = tls.connect({ socket: raw, ca: r.rehearsal.tls?.cert, servername: undefined });
        await new Promise((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
        secure.on("data", onData);
        control = secure;
        await send(`USER ${user}`);
        await send(`PASS ${passwordOf(r.model, user)}`);
        await send("PBSZ 0");
        await send("PROT P");
        // Pipelined: PASV and LIST in one packet, the data connection opened once the PASV reply is in.
        if (how.pipelined) control.write("PASV\r\nLIST\r\n");
        const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(how.pipelined ? await next() : await send("PASV")) as RegExpExecArray;
        const data = net.connect(Number(pasv[5]) * 256 + Number(pasv[6]), r.rehearsal.host);
        await new Promise((resolve) => data.once("connect", resolve));
        assert.strictEqual(Number((how.pipelined ? await next() : await send("LIST")).slice(0, 3)), 150);
        const dataTls = tls.connect({ socket: data, ca: r.rehearsal.tls?.cert, ...(how.resume === false ? {} : { session: secure.getSession() }) });
        dataTls.on("error", () => undefined);
        let listing = "";
        dataTls.on("data", (chunk: Buffer) => (listing += chunk.toString("utf8")));
        await new Promise((resolve) => dataTls.once("close", resolve));
        await next();
        await send("QUIT");
        return { codes, listing };
    } finally {
        control.destroy();
    }
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
        // A test-only stack built from dev: the hub's bucket on SSE-KMS too. Both planned at once.
        const buckets = (JSON.parse(devConfig.config["closed-ftp:buckets"]) as { name: string; encryption?: string }[])
            .map((b) => (b.name === "inbox" ? { ...b, encryption: "kms" } : b));
        const hubKmsConfig = { ...devConfig, config: { ...devConfig.config, "closed-ftp:buckets": JSON.stringify(buckets) } };
        const [devRun, hubKmsRun] = await Promise.all([planOnce("dev", devConfig), planOnce("dev", hubKmsConfig)]);
        dev = rehearsalModel(devRun, devConfig);
        devHubKms = rehearsalModel(hubKmsRun, hubKmsConfig);
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

    it("prints each user's folder under --data, the address clients are rehearsed as, and whether it is inside a restricted user's ranges", () => {
        const at = (sourceIp: string) => ({ host: "127.0.0.1", port: 2121, sourceIp }) as Rehearsal;
        const flags = (sourceIp?: string) => {
            const parsed = parseFlags(["--stack", "dev", "--data", "/srv/ftp", ...(sourceIp ? ["--source-ip", sourceIp] : [])]);
            assert.ok(parsed !== "help");
            return parsed;
        };
        const plain = banner(dev, at("10.10.0.1"), flags(), "/srv/ftp");
        assert.match(plain, new RegExp(`user1 \\(read-write\\) home ${homeOf(dev, "user1")} \\(/srv/ftp${homeOf(dev, "user1")}\\)`));
        assert.match(plain, /every client is rehearsed as 10\.10\.0\.1 \(the first host the security group admits; --source-ip to choose\): inside network\.allowedCidrs 10\.10\.0\.0\/16/);
        assert.match(plain, /only from 10\.10\.1\.0\/24: 10\.10\.0\.1 is outside, so its logins are refused; rehearse with --source-ip <an address inside>/);
        assert.match(banner(dev, at("10.10.1.7"), flags("10.10.1.7"), "/srv/ftp"), /only from 10\.10\.1\.0\/24: 10\.10\.1\.7 is inside\n/);
        assert.doesNotMatch(banner(dev, at("10.10.1.7"), flags("10.10.1.7"), "/srv/ftp"), /rehearse with --source-ip/);
        assert.match(banner(dev, at("192.0.2.7"), flags("192.0.2.7"), "/srv/ftp"), /rehearsed as 192\.0\.2\.7 \(--source-ip\): OUTSIDE network\.allowedCidrs 10\.10\.0\.0\/16, 10\.254\.0\.0\/24, so every connection is dropped before the banner/);
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
                assert.match(idp?.kind === "idp" ? idp.line : "", new RegExp(`"reason":"wrong-password","username":"${user}",.*"sourceIp":"10.10.0.1"`));
            });
        }

        it("refuses partner-a from 10.10.0.1 (the default address), outside its allowedSourceCidrs 10.10.1.0/24 (530, source-ip-not-allowed)", async () => {
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

describe("npm run rehearse: what Transfer refuses, the rehearsal refuses (README, fidelity table)", function () {
    this.timeout(30_000);
    let dev: RehearsalModel;
    let plain: Running;
    let both: Running;
    let ftpsOnly: Running;
    const sent = async (client: Client, command: string) => (await client.send(command)).code;

    before(async () => {
        const devConfig = readStackFile("dev", ROOT);
        dev = rehearsalModel(await planOnce("dev", devConfig), devConfig);
        // The rehearsal reads the protocols, the resumption mode and the sources off the plan's server;
        // the dev stack speaking FTP and FTPS is that model with FTPS added.
        assert.deepStrictEqual(dev.server, {
            protocols: ["FTP"], tlsSessionResumption: "ENFORCED", allowedCidrs: ["10.10.0.0/16", "10.254.0.0/24"],
            preAuthenticationBanner: "Example Corp file exchange. Authorised partners only; sessions are logged.",
        });
        const ftps: RehearsalModel = { ...dev, server: { ...dev.server, protocols: ["FTP", "FTPS"] } };
        plain = await rehearse(dev);
        both = await rehearse(ftps);
        ftpsOnly = await rehearse({ ...ftps, server: { ...ftps.server, protocols: ["FTPS"] } }, undefined, await selfSignedCertificate());
    });

    after(async () => {
        for (const r of started.splice(0)) {
            await r.rehearsal?.stop();
            fs.rmSync(r.dataDir, { recursive: true, force: true });
        }
    });

    it("every row of the fidelity table has its test here, and the README shows the table", function () {
        const titles = (this.test?.parent?.tests ?? []).map((t) => t.title);
        for (const row of FIDELITY) assert.ok(titles.some((t) => t.startsWith(`[${row.topic}]`)), `no test for the fidelity row "${row.topic}"`);
        assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes(fidelityTableMarkdown()), "README.md's fidelity table differs from fidelityTableMarkdown()");
    });

    it("[active mode] PORT and EPRT are 502; PASV and EPSV carry listings and files", async () => {
        // The stack's pre-authentication banner comes first, in the 220, as Transfer sends it.
        const greeted = new Client(5000);
        try {
            assert.match((await greeted.access({ host: plain.rehearsal.host, port: plain.rehearsal.port, user: "user1", password: passwordOf(dev, "user1") })).message, /^220-Example Corp file exchange\. Authorised partners only/);
        } finally {
            greeted.close();
        }
        await asUser(plain, "user1", async (client) => {
            await refusedWith(502, client.send("PORT 127,0,0,1,31,144"));
            await refusedWith(502, client.send("EPRT |1|127.0.0.1|8080|"));
            await put(client, "passive.csv", "over EPSV");
            assert.match((await client.send("PASV")).message, /^227 /);
            assert.strictEqual(await get(client, "passive.csv"), "over EPSV");
        });
        assert.ok(plain.events.some((e) => e.kind === "refused" && e.command === "PORT" && /passive only/.test(e.message)));
    });

    it("[client address] a client outside network.allowedCidrs is reset before the banner, and the IdP is never asked", async () => {
        const outside = await rehearse(dev, "192.0.2.10");
        const client = new Client(3000);
        try {
            await assert.rejects(client.access({ host: outside.rehearsal.host, port: outside.rehearsal.port, user: "user1", password: passwordOf(dev, "user1") }),
                (err: Error) => !(err instanceof FTPError) || assert.fail(`the server answered ${err.code}: ${err.message}`));
        } finally {
            client.close();
        }
        assert.ok(outside.events.some((e) => e.kind === "dropped" && e.sourceIp === "192.0.2.10" && e.allowedCidrs.join() === "10.10.0.0/16,10.254.0.0/24"));
        assert.ok(!outside.events.some((e) => e.kind === "login" || e.kind === "idp"));
        assert.strictEqual(plain.rehearsal.sourceIp, "10.10.0.1");
    });

    it("[FTPS] AUTH TLS with the certificate made at start: login, PROT P, put, list and get over TLS; FEAT offers TLS only where FTPS is on", async () => {
        await asUser(both, "user1", async (client) => {
            assert.ok((await client.features()).has("AUTH"));
            await put(client, "secret.csv", "over TLS");
            assert.deepStrictEqual((await client.list()).map((f) => f.name), ["secret.csv"]);
            assert.strictEqual(await get(client, "secret.csv"), "over TLS");
        }, passwordOf(both.model, "user1"), true);
        assert.ok(both.rehearsal.tls?.selfSigned && new X509Certificate(both.rehearsal.tls.cert).checkIP("127.0.0.1"));
        // The FTP-only stack does not pretend: no AUTH TLS in FEAT, and AUTH TLS refused.
        await asUser(plain, "user1", async (client) => {
            assert.ok(!(await client.features()).has("AUTH"));
            await refusedWith(502, client.send("AUTH TLS"));
        });
        // In the clear on a server with FTP and FTPS: still a login.
        await asUser(both, "user1", async (client) => assert.strictEqual(await client.pwd(), "/"));
        // As lftp does it: TLS on the data connection only after the 150, resuming the control session.
        const lftp = await lftpLikeListing(both, "user1");
        assert.deepStrictEqual(lftp.codes, [220, 234, 331, 230, 200, 200, 227, 150, 226, 221]);
        assert.match(lftp.listing, /secret\.csv/);
    });

    it("[FTPS only] a server of FTPS alone answers USER in the clear 530, and takes the login over TLS", async () => {
        await refusedWith(530, asUser(ftpsOnly, "user1", async () => undefined));
        assert.ok(ftpsOnly.events.some((e) => e.kind === "refused" && e.command === "USER" && /AUTH TLS before USER/.test(e.message)));
        await asUser(ftpsOnly, "user1", async (client) => assert.deepStrictEqual(await client.list(), []), passwordOf(ftpsOnly.model, "user1"), true);
    });

    it("[PROT P] PROT C is 536, and a listing before PROT P is 521", async () => {
        await asUser(both, "user1", async (client) => {
            await refusedWith(536, client.send("PROT C"));
            await refusedWith(521, client.list());
            await refusedWith(521, client.uploadFrom(Readable.from([Buffer.from("x")]), "clear.csv"));
            await refusedWith(504, client.send("PROT  P"));
            await refusedWith(521, client.list());
            assert.strictEqual(await sent(client, "PROT P"), 200);
            assert.ok(Array.isArray(await client.list()));
        }, passwordOf(both.model, "user1"), true);
    });

    it("[TLS session resumption] a data connection that does not resume the control connection's session is 522 (ENFORCED)", async () => {
        await asUser(both, "user1", async (client) => {
            // A client without session resumption: it offers the data connection no session of the control connection's.
            const ftp = client.ftp as unknown as { tlsSessionStore?: unknown; socket: { getSession(): unknown } };
            Object.defineProperty(ftp, "tlsSessionStore", { get: () => undefined, set: () => undefined });
            ftp.socket.getSession = () => undefined;
            await refusedWith(522, client.list());
        }, passwordOf(both.model, "user1"), true);
        assert.ok(both.events.some((e) => e.kind === "refused" && e.code === 522));
        // PASV and LIST in one packet: the check is in place before LIST is handled.
        assert.deepStrictEqual((await lftpLikeListing(both, "user1", { resume: false, pipelined: true })).codes.slice(-3), [150, 522, 221]);
    });

    it("[TYPE] TYPE A is taken and the file moves byte for byte; TYPE E is 504", async () => {
        const bytes = "line one\r\nline two\n\u00ff";
        await asUser(plain, "user1", async (client) => {
            assert.strictEqual(await sent(client, "TYPE A"), 200);
            await put(client, "lines.txt", bytes);
            assert.strictEqual(await get(client, "lines.txt"), bytes);
            await refusedWith(504, client.send("TYPE E"));
            assert.strictEqual(await sent(client, "TYPE I"), 200);
        });
        assert.strictEqual(fs.readFileSync(onDisk(plain, "user1", "lines.txt"), "utf8"), bytes);
    });

    it("[MODE] MODE S is taken; MODE B and MODE C are 504", async () => {
        await asUser(plain, "user1", async (client) => {
            assert.strictEqual(await sent(client, "MODE S"), 200);
            await refusedWith(504, client.send("MODE B"));
            await refusedWith(504, client.send("MODE C"));
        });
    });

    it("[restarts] a resumed download (REST, then RETR) is refused 502", async () => {
        await asUser(plain, "user1", async (client) => {
            await put(client, "whole.bin", "0123456789");
            await refusedWith(502, client.downloadTo(new Writable({ write(_c, _e, done) { done(); } }), "whole.bin", 4));
            assert.strictEqual(await get(client, "whole.bin"), "0123456789");
        });
    });

    it("[appends] APPE is refused 502 and the file is left as it was", async () => {
        await asUser(plain, "user1", async (client) => {
            await put(client, "log.txt", "first");
            await refusedWith(502, client.appendFrom(Readable.from([Buffer.from(" second")]), "log.txt"));
            assert.strictEqual(await get(client, "log.txt"), "first");
        });
    });

    it("[SITE] SITE CHMOD and SITE UTIME are 502 (lftp's cue to stop sending them), and FEAT offers no MFMT", async () => {
        await asUser(plain, "user1", async (client) => {
            await put(client, "mirrored.csv", "from lftp mirror -R");
            await refusedWith(502, client.send("SITE CHMOD 644 mirrored.csv"));
            await refusedWith(502, client.send("SITE UTIME mirrored.csv 20261201000000 20261201000000 20261201000000 UTC"));
            assert.ok(!(await client.features()).has("MFMT"));
            assert.strictEqual(await get(client, "mirrored.csv"), "from lftp mirror -R");
        });
    });

    it("[listings] LIST, NLST and STAT list; MLSD and MLST are 502 and not offered", async () => {
        await asUser(plain, "user1", async (client) => {
            await put(client, "listed.csv", "x");
            assert.ok((await client.list()).some((f) => f.name === "listed.csv"));
            assert.match((await client.send("STAT listed.csv")).message, /listed\.csv/);
            assert.ok(!(await client.features()).has("MLST"));
            await refusedWith(502, client.send("MLST listed.csv"));
        });
    });

    it("[other commands] every command ftp-srv knows that is not in Transfer's list is 502 before ftp-srv sees it", async () => {
        // ftp-srv registers one command per file (and SITE as a folder of subcommands).
        const known = fs.readdirSync(path.join(ROOT, "node_modules", "ftp-srv", "src", "commands", "registration")).map((f) => f.replace(/\.js$/, "").toUpperCase());
        const outside = known.filter((c) => !(TRANSFER_FTP_COMMANDS as readonly string[]).includes(c));
        assert.ok(outside.length >= 6, `ftp-srv's registry: ${known.join(" ")}`);
        await asUser(plain, "user1", async (client) => {
            for (const command of outside) await refusedWith(502, client.send(`${command} x`));
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
            [["--stack", "dev", "--cert", path.join(ROOT, "README.md")], /--cert needs --key \(its private key\)/],
            [["--stack", "dev", "--key", "k.pem"], /--key needs --cert/],
            [["--stack", "dev", "--cert", "/no/such.pem", "--key", "/no/such.key"], /--cert "\/no\/such\.pem": cannot read it \(ENOENT\)/],
            [["--stack", "dev", "--cert", path.join(ROOT, "README.md"), "--key", path.join(ROOT, "README.md")], /--cert ".*README\.md": not a PEM certificate/],
        ];
        for (const [argv, message] of cases) {
            assert.throws(() => parseFlags(argv), (err: Error) => err instanceof FlagError && message.test(err.message));
            const errors: string[] = [];
            assert.strictEqual(await main(argv, { out: () => undefined, err: (l) => errors.push(l) }), 2);
            assert.match(errors.join("\n"), message);
        }
        assert.deepStrictEqual(parseFlags(["--stack", "dev"]), { stack: "dev", port: 2121, passivePorts: { min: 8192, max: 8200 }, dir: ROOT });
    });

    it("takes --cert and --key only as a matching PEM pair, and only for a stack that speaks FTPS (exit 2)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-pem-"));
        try {
            const [one, other] = [await selfSignedCertificate(), await selfSignedCertificate()];
            fs.writeFileSync(path.join(dir, "cert.pem"), one.cert);
            fs.writeFileSync(path.join(dir, "key.pem"), one.key);
            fs.writeFileSync(path.join(dir, "other.pem"), other.key);
            const pair = ["--cert", path.join(dir, "cert.pem"), "--key", path.join(dir, "key.pem")];
            const parsed = parseFlags(["--stack", "dev", ...pair]);
            assert.ok(parsed !== "help" && parsed.tls?.selfSigned === false && String(parsed.tls.cert).includes("BEGIN CERTIFICATE"));
            assert.throws(() => parseFlags(["--stack", "dev", "--cert", path.join(dir, "cert.pem"), "--key", path.join(dir, "other.pem")]), /--key ".*other\.pem" is not the private key of --cert/);
            const errors: string[] = [];
            assert.strictEqual(await main(["--stack", "dev", ...pair], { out: () => undefined, err: (l) => errors.push(l) }), 2);
            assert.match(errors.join("\n"), /--cert\/--key: stack "dev" speaks FTP, not FTPS \(closed-ftp:server\.protocols\)/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
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
