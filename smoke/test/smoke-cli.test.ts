// `npm run smoke`: flag errors (exit 2, the flag named), and one whole run of the CLI against a loopback
// Transfer API and a real loopback FTP server, so the wiring between flags, outputs, SDK and FTP is tested too.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parseSmokeFlags, SmokeFlagError } from "../index";
import { BUCKET_NAMES, grantFor, outputsDocument, SERVER_ID } from "./ftp-outputs-fixture";
import { LoopbackFtpServer, startLoopbackFtpServer } from "./ftp-server";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

/** Runs the CLI with no AWS configuration of this machine: only what `env` gives it. */
function smoke(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    return new Promise((resolve, reject) => {
        const child = spawn(TSX, [path.join(ROOT, "smoke", "cli.ts"), ...args], {
            cwd: ROOT,
            env: { ...clean, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", ...env },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString("utf8"); });
        const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

function flagError(argv: string[]): string {
    try {
        parseSmokeFlags(argv);
    } catch (err) {
        assert.ok(err instanceof SmokeFlagError, String(err));
        return err.message;
    }
    assert.fail(`accepted ${argv.join(" ")}`);
}

describe("smoke: command line", function () {
    this.timeout(30_000);

    it("reads the documented flags, with their defaults", () => {
        assert.deepStrictEqual(parseSmokeFlags(["--stack", "dev"]), {
            source: { kind: "stack", stack: "dev" }, protocol: "FTP", sourceIp: undefined, users: [], ftp: false, host: undefined, port: 21, ftps: false, via: "here", timeoutSeconds: 30, ambientCredentials: false,
        });
        assert.deepStrictEqual(parseSmokeFlags(["--outputs", "o.json", "--ambient-credentials", "--ftp", "--ftps", "--host", "ftp.example.internal", "--port", "2121", "--user", "user1", "--user", "partner-a", "--user", "user1", "--timeout", "2.5", "--source-ip", "10.10.1.5"]), {
            source: { kind: "file", file: "o.json" }, protocol: "FTPS", sourceIp: "10.10.1.5", users: ["user1", "partner-a"], ftp: true, host: "ftp.example.internal", port: 2121, ftps: true, via: "here", timeoutSeconds: 2.5,
            ambientCredentials: true,
        });
        assert.strictEqual((parseSmokeFlags(["--stack", "dev", "--ftp", "--via", "test-client"]) as { via: string }).via, "test-client");
        assert.strictEqual(parseSmokeFlags(["--stack", "dev", "--help"]), "help");
    });

    const refused: [string[], string][] = [
        [[], "--stack <name> or --outputs <file.json> is required"],
        [["--stack", "dev", "--outputs", "o.json"], "--stack and --outputs are two sources of the same outputs: give one"],
        [["--stack", "dev", "--verbose"], 'unknown flag "--verbose"'],
        [["--stack"], "--stack needs a value"],
        [["--stack", "dev", "--user", "--ftp"], "--user needs a value"],
        [["--stack", "dev", "--ftp", "--port", "99999"], '--port "99999": must be an integer from 1 to 65535'],
        [["--stack", "dev", "--ftp", "--port", "21x"], '--port "21x": must be an integer from 1 to 65535'],
        [["--stack", "dev", "--timeout", "0"], '--timeout "0": must be a number of seconds above 0 and at most 600'],
        [["--stack", "dev", "--timeout", "ten"], '--timeout "ten": must be a number of seconds above 0 and at most 600'],
        [["--stack", "dev", "--protocol", "SFTP"], '--protocol "SFTP": must be FTP or FTPS (the protocols this server serves)'],
        [["--stack", "dev", "--source-ip", "10.10.1"], '--source-ip "10.10.1": not an IPv4 or IPv6 address'],
        [["--stack", "dev", "--user", "a b"], `--user "a b": does not match Transfer's user name pattern ^[\\w][\\w@.-]{2,99}$`],
        [["--stack", "dev", "--host", "10.0.0.1"], "--host: only apply to the FTP round trip; add --ftp (for the identity-provider check over FTPS use --protocol FTPS)"],
        [["--stack", "dev", "--ftp", "--ftps", "--protocol", "FTP"], "--protocol FTP contradicts --ftps: the identity-provider check would simulate a protocol the round trip does not use"],
        [["--stack", "dev", "--via", "test-client"], "--via: only apply to the FTP round trip; add --ftp (for the identity-provider check over FTPS use --protocol FTPS)"],
        [["--stack", "dev", "--ftp", "--via", "bastion"], '--via "bastion": the one place is test-client (the stack\'s closed-ftp:testClient instance)'],
        [["--stack", "dev;rm"], '--stack "dev;rm": a stack name has only letters, digits, "-", "_", "." and "/"'],
    ];
    for (const [argv, message] of refused) {
        it(`refuses ${argv.join(" ") || "no flags"}`, () => assert.strictEqual(flagError(argv), message));
    }

    it("says in one line, without the SDK's stack, that there are no credentials to reach the hub; refuses --via test-client for a stack without one first", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-smoke-"));
        try {
            const outputsFile = path.join(dir, "outputs.json");
            fs.writeFileSync(outputsFile, JSON.stringify(outputsDocument({ writer: { password: "a-long-password-1", access: "read-write" } }, "127.0.0.1")), { mode: 0o600 });
            const [run, via] = await Promise.all([
                smoke(["--outputs", outputsFile, "--role", "arn:aws:iam::111111111111:role/closed-ftp-deploy"]),
                // A stack without a test client: refused before any AWS call, credentials or not.
                smoke(["--outputs", outputsFile, "--role", "arn:aws:iam::111111111111:role/closed-ftp-deploy", "--ftp", "--via", "test-client"]),
            ]);
            assert.strictEqual(via.code, 2, via.stderr);
            assert.match(via.stderr, /^smoke: --via test-client: the stack has no test client \(its outputs have no testClient\): set closed-ftp:testClient/);
            assert.strictEqual(run.code, 1, run.stderr);
            assert.match(run.stderr, /^smoke: no AWS credentials that reach the hub account 111111111111 to assume arn:aws:iam::111111111111:role\/closed-ftp-deploy with \(CredentialsProviderError: Could not load credentials from any providers\)\. Set AWS_PROFILE/);
            assert.doesNotMatch(run.stderr, /\n\s+at |Warning:/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 2 on a bad flag, naming it, with the usage", async () => {
        const run = await smoke(["--stack", "dev", "--verbose"]);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /^smoke: unknown flag "--verbose"\n\nusage: npm run smoke -- /);
        assert.strictEqual(run.stdout, "");
    });

    it("runs every user end to end as the assumed hub role and exits 1 when one fails: loopback STS and Transfer API, real FTP server", async () => {
        const writer = { name: "writer", password: "writer-Password-0123", access: "read-write" } as const;
        const reader = { name: "reader", password: "reader-Password-0123", access: "read-only" } as const;
        const requests: Record<string, unknown>[] = [];
        const signedWith: string[] = [];
        // Answers STS (query protocol: AssumeRole hands out ASIASMOKE keys) and TestIdentityProvider
        // (AWS JSON 1.1) like our IdP would, except that it denies "reader".
        const transferApi = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c: Buffer) => { body += c.toString("utf8"); });
            req.on("end", () => {
                const action = new URLSearchParams(body).get("Action");
                if (!req.headers["x-amz-target"] && action) {
                    requests.push({ target: `STS.${action}`, RoleArn: new URLSearchParams(body).get("RoleArn") ?? undefined });
                    signedWith.push(`STS.${action} ${/Credential=(\w+)\//.exec(String(req.headers.authorization))?.[1]}`);
                    res.writeHead(200, { "content-type": "text/xml" });
                    res.end(action === "AssumeRole"
                        ? `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIASMOKE</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/closed-ftp-deploy/closed-ftp-smoke</Arn><AssumedRoleId>AROAEXAMPLE:closed-ftp-smoke</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`
                        : `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111111111111:assumed-role/closed-ftp-deploy/closed-ftp-smoke</Arn><UserId>AROAEXAMPLE:closed-ftp-smoke</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
                    return;
                }
                signedWith.push(`Transfer ${/Credential=(\w+)\//.exec(String(req.headers.authorization))?.[1]}`);
                const input = JSON.parse(body) as { UserName: string; UserPassword: string };
                requests.push({ target: req.headers["x-amz-target"], ...input });
                const grant = input.UserName === "writer" && input.UserPassword === writer.password;
                res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify({ StatusCode: 200, Url: "lambda", Response: grant ? grantFor(BUCKET_NAMES.inbox, "writer") : "{}" }));
            });
        });
        let ftpServer: LoopbackFtpServer | undefined;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-smoke-"));
        try {
            await new Promise<void>((resolve) => transferApi.listen(0, "127.0.0.1", resolve));
            ftpServer = await startLoopbackFtpServer([writer, reader]);
            const outputsFile = path.join(dir, "outputs.json");
            fs.writeFileSync(outputsFile, JSON.stringify(outputsDocument({
                writer: { password: writer.password, access: "read-write" },
                reader: { password: reader.password, access: "read-only" },
            }, ftpServer.host)), { mode: 0o600 });
            const hubRole = "arn:aws:iam::111111111111:role/closed-ftp-deploy";
            const run = await smoke(["--outputs", outputsFile, "--role", hubRole, "--ftp", "--port", String(ftpServer.port), "--timeout", "5"], {
                AWS_ENDPOINT_URL_TRANSFER: `http://127.0.0.1:${(transferApi.address() as net.AddressInfo).port}`,
                AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(transferApi.address() as net.AddressInfo).port}`,
                AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
                AWS_SECRET_ACCESS_KEY: "example",
            });
            assert.strictEqual(run.code, 1, `${run.stdout}\n${run.stderr}`);
            const lines = run.stdout.trimEnd().split("\n");
            assert.strictEqual(lines.shift(), `hub credentials: assume ${hubRole} (--role)`);
            // The runner's own key only asks STS for the role; every later call is signed as the role.
            assert.deepStrictEqual([...new Set(signedWith)], ["STS.AssumeRole AKIDEXAMPLE", "STS.GetCallerIdentity ASIASMOKE", "Transfer ASIASMOKE"]);
            assert.strictEqual(lines[0], `smoke: "${outputsFile}", server ${SERVER_ID} in ap-northeast-1, 2 user(s): identity-provider (FTP) and ftp round trip to 127.0.0.1:${ftpServer.port}`);
            assert.match(lines[1], /^\[1\/2\] writer {2}identity-provider ok {2}ftp ok \(put\/list\/get\/delete \d+ ms\)$/);
            assert.match(lines[2], /^\[2\/2\] reader {2}identity-provider FAIL \(denied: no Role in the response \(status 200, url lambda\)\) {2}ftp ok \(list, put refused as read-only \(550 .+\) \d+ ms\)$/);
            assert.strictEqual(lines[3], "smoke: 1 of 2 user(s) FAILED: reader (identity-provider)");
            assert.ok(!`${run.stdout}${run.stderr}`.includes(writer.password) && !`${run.stdout}${run.stderr}`.includes(reader.password), "no password printed");
            assert.deepStrictEqual(requests.filter((r) => String(r.target).startsWith("STS.")), [
                { target: "STS.AssumeRole", RoleArn: hubRole }, { target: "STS.GetCallerIdentity", RoleArn: undefined },
            ]);
            assert.deepStrictEqual(requests.filter((r) => !String(r.target).startsWith("STS.")).map((r) => [r.target, r.ServerId, r.UserName, r.ServerProtocol]), [
                ["TransferService.TestIdentityProvider", SERVER_ID, "writer", "FTP"],
                ["TransferService.TestIdentityProvider", SERVER_ID, "writer", "FTP"],
                ["TransferService.TestIdentityProvider", SERVER_ID, "reader", "FTP"],
            ]);
            assert.deepStrictEqual(fs.readdirSync(ftpServer.homeOf("writer")), [], "the probe file was deleted");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
            await ftpServer?.stop();
            // Also when a step above failed: a listening server left behind keeps mocha from ever exiting.
            transferApi.closeAllConnections();
            await new Promise<void>((resolve) => transferApi.close(() => resolve()));
        }
    });
});
