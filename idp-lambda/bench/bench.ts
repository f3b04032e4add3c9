// `npm run bench:idp`: what a login costs. Cold start of our bundle against the seed's Python
// handler, side by side in one run against the same loopback Secrets Manager; warm logins with
// and without the secret cache; hash verification.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { authenticate } from "../authenticate";
import { BUNDLE_PATH, buildIdpBundle } from "../build";
import { hashPassword, verifyPassword } from "../password-hash";
import { CachedSecretStore, createSecretsManagerClient, SecretsManagerStore } from "../secret-store";
import { loopbackEnv, startLoopbackSecretsManager } from "../test-support/loopback-secrets-manager";

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const WARM_LOGINS = Number(process.env.BENCH_WARM_LOGINS ?? 2000);
const PYTHON = process.env.BENCH_PYTHON ?? "python3";
const SERVER = "s-0123456789abcdef0";
const ROLE = "arn:aws:iam::111111111111:role/ftp-access-role";
const PASSWORD = "bench-password-123";
const HOME = JSON.stringify([{ Entry: "/", Target: "/bucket/user1" }]);
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/user1/*" }] });
const EVENT = { username: "user1", password: PASSWORD, protocol: "FTP", serverId: SERVER, sourceIp: "10.10.1.5" };
const SEED_FORMAT_EVENT = { ...EVENT, username: "user2" };

// The seed reads its region from SecretsManagerRegion and builds its own client: point it at loopback.
const PYTHON_RUNNER = `
import json, os, sys
import boto3.session
_client = boto3.session.Session.client
def client(self, *args, **kwargs):
    kwargs["endpoint_url"] = os.environ["AWS_ENDPOINT_URL_SECRETS_MANAGER"]
    return _client(self, *args, **kwargs)
boto3.session.Session.client = client
sys.path.insert(0, sys.argv[1])
import seed_handler
result = seed_handler.lambda_handler(json.loads(sys.argv[2]), None)
sys.stderr.write("RESULT " + json.dumps(result))
`;

const NODE_RUNNER = `require(process.argv[1]).handler(JSON.parse(process.argv[2])).then((r) => process.stderr.write("RESULT " + JSON.stringify(r)))`;

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** Wall time from spawn to exit of a fresh process answering one login; fails if it did not grant. */
function coldLogin(command: string, args: string[], env: Record<string, string>): Promise<number> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        execFile(command, args, { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 }, (err, _stdout, stderr) => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            if (err) return reject(new Error(`${command} failed: ${err.message}\n${stderr}`));
            if (!/RESULT \{"Role": ?"arn:aws:iam::111111111111:role\/ftp-access-role"/.test(stderr)) return reject(new Error(`${command} did not grant the login: ${stderr.slice(-400)}`));
            resolve(ms);
        });
    });
}

async function coldMedian(label: string, command: string, args: string[], env: Record<string, string>): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) times.push(await coldLogin(command, args, env));
    const m = median(times);
    console.log(`  ${label.padEnd(46)} median ${m.toFixed(0).padStart(5)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, n=${COLD_RUNS})`);
    return m;
}

async function warm(label: string, ttlMs: number, url: string): Promise<void> {
    Object.assign(process.env, loopbackEnv(url));
    const store = new CachedSecretStore(new SecretsManagerStore(createSecretsManagerClient()), { ttlMs, maxEntries: 1000 });
    const times: number[] = [];
    for (let i = 0; i < WARM_LOGINS; i++) {
        const started = process.hrtime.bigint();
        const decision = await authenticate(SEED_FORMAT_EVENT, store);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (!decision.granted) throw new Error(`warm login ${i} was denied: ${decision.reason}`);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(46)} p50 ${percentile(times, 50).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms  (n=${WARM_LOGINS})`);
}

async function main(): Promise<void> {
    const probe = await new Promise<boolean>((resolve) => execFile(PYTHON, ["-c", "import boto3"], (err) => resolve(!err)));
    if (!probe) {
        console.error(`bench:idp: ${PYTHON} cannot import boto3, which the seed handler needs: apt-get install python3-boto3 (or set BENCH_PYTHON)`);
        process.exitCode = 1;
        return;
    }
    const bundle = buildIdpBundle();
    fs.mkdirSync(path.dirname(BUNDLE_PATH), { recursive: true });
    fs.writeFileSync(BUNDLE_PATH, bundle.code);
    const hashed = hashPassword(PASSWORD, Buffer.alloc(16, 3));
    const secrets = {
        [`aws/transfer/${SERVER}/user1`]: JSON.stringify({ PasswordHash: hashed, Role: ROLE, HomeDirectoryDetails: HOME, Policy: POLICY }),
        [`aws/transfer/${SERVER}/user2`]: JSON.stringify({ Password: PASSWORD, Role: ROLE, HomeDirectoryDetails: HOME, Policy: POLICY }),
    };
    const server = await startLoopbackSecretsManager(secrets);
    const env = { ...loopbackEnv(server.url), SecretsManagerRegion: "us-east-1" };
    const runner = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-bench-")), "run_seed.py");
    fs.writeFileSync(runner, PYTHON_RUNNER);
    try {
        console.log(`closed-ftp bench:idp on ${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), node ${process.version}, ${PYTHON}`);
        console.log(`bundle: ${bundle.code.length} bytes, ${zlib.gzipSync(bundle.code).length} gzipped (sha256 ${bundle.sha256.slice(0, 12)})`);
        console.log("cold login (fresh process: load, one correct login against loopback Secrets Manager, exit):");
        const seed = await coldMedian("seed handler (python3 + boto3, plaintext)", PYTHON, [runner, path.join(__dirname), JSON.stringify(SEED_FORMAT_EVENT)], env);
        const plain = await coldMedian("closed-ftp bundle, seed-format plaintext secret", process.execPath, ["--no-warnings", "-e", NODE_RUNNER, BUNDLE_PATH, JSON.stringify(SEED_FORMAT_EVENT)], env);
        const ours = await coldMedian("closed-ftp bundle, PasswordHash (scrypt) secret", process.execPath, ["--no-warnings", "-e", NODE_RUNNER, BUNDLE_PATH, JSON.stringify(EVENT)], env);
        console.log(`  ratio ours/seed: ${(plain / seed).toFixed(2)} on the same secret, ${(ours / seed).toFixed(2)} with the scrypt hash (target <= 0.40 on the same login)`);
        console.log("warm logins in one process (seed-format secret, so the figure is the lookup, not the hash):");
        await warm("with the secret cache (TTL 30 s)", 30_000, server.url);
        await warm("without the cache (TTL 0)", 0, server.url);
        const verifications: number[] = [];
        for (let i = 0; i < 20; i++) {
            const started = process.hrtime.bigint();
            if (!(await verifyPassword(PASSWORD, hashed))) throw new Error("verification failed");
            verifications.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        console.log(`hash verification (scrypt N=2^14, r=8, p=1): median ${median(verifications).toFixed(1)} ms (n=20)`);
        console.log(`Secrets Manager calls answered: ${[...server.calls.values()].reduce((a, b) => a + b, 0)}`);
    } finally {
        await server.close();
    }
}

main().catch((err) => {
    console.error(`bench:idp: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
});
