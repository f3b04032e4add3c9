// `npm run bench:plan`: how program evaluation grows with spokes and users.
// Generates stacks of 1, 10 and 50 spoke accounts with 20 users each and runs the offline plan
// on each in a fresh process, printing resources, resources per user, seconds and peak memory.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { readStackFile, runPlan } from "./plan-lib";

const USERS_PER_SPOKE = 20;
const ROOT = path.resolve(__dirname, "..");

/** A stack with `spokes` spoke accounts, one bucket each (every other one SSE-KMS), 20 users per bucket. */
export function benchStack(spokes: number): Record<string, unknown> {
    const accounts: Record<string, unknown> = {};
    const buckets: unknown[] = [];
    const users: unknown[] = [];
    for (let s = 0; s < spokes; s++) {
        const key = `spoke${s}`;
        const accountId = String(200000000000 + s);
        accounts[key] = { accountId, deployRoleArn: `arn:aws:iam::${accountId}:role/closed-ftp-deploy` };
        buckets.push({ name: `drop${s}`, account: key, encryption: s % 2 === 0 ? "s3" : "kms" });
        for (let u = 0; u < USERS_PER_SPOKE; u++) {
            users.push({ userName: `user-${s}-${u}`, home: `drop${s}/user${u}`, ...(u % 4 === 0 ? { access: "read-only" } : {}) });
        }
    }
    return {
        config: {
            "aws:region": "ap-northeast-1",
            "closed-ftp:hub": { accountId: "111111111111" },
            "closed-ftp:network": { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"], allowedCidrs: ["10.10.0.0/16"] },
            "closed-ftp:accounts": accounts,
            "closed-ftp:buckets": buckets,
            "closed-ftp:users": users,
        },
    };
}

async function child(stack: string, dir: string): Promise<void> {
    const started = process.hrtime.bigint();
    const run = await runPlan(stack, readStackFile(stack, dir));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const users = run.document.resources.filter((r) => r.type === "closed-ftp:index:FtpUser").length;
    process.stdout.write(JSON.stringify({ resources: run.document.resources.length, users, seconds, peakMb: process.resourceUsage().maxRSS / 1024 }));
}

function main(): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-bench-"));
    const rows: { spokes: number; users: number; resources: number; seconds: number; peakMb: number }[] = [];
    console.log(`closed-ftp bench:plan on ${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), node ${process.version}`);
    console.log("spokes  users  resources  resources/user  seconds  ms/user  peak MB");
    for (const spokes of [1, 10, 50]) {
        const stack = `bench${spokes}`;
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(benchStack(spokes)));
        const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [__filename, "--child", stack, dir], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
        if (result.status !== 0) {
            console.error(`bench:plan: the plan of ${spokes} spokes failed:\n${result.stderr}`);
            process.exitCode = 1;
            return;
        }
        const stats = JSON.parse(result.stdout);
        rows.push({ spokes, ...stats });
        console.log([
            String(spokes).padStart(6), String(stats.users).padStart(6), String(stats.resources).padStart(10),
            (stats.resources / stats.users).toFixed(2).padStart(15), stats.seconds.toFixed(2).padStart(8),
            (1000 * stats.seconds / stats.users).toFixed(1).padStart(8), stats.peakMb.toFixed(0).padStart(8),
        ].join(" "));
    }
    const [small, , large] = rows;
    const growth = (large.seconds - small.seconds) / (large.users - small.users);
    console.log(`marginal cost: ${(1000 * growth).toFixed(1)} ms and ${((large.resources - small.resources) / (large.users - small.users)).toFixed(2)} resources per added user`);
    fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === "--child") {
    child(process.argv[3], process.argv[4]).catch((err) => {
        console.error(err instanceof Error ? err.stack : String(err));
        process.exitCode = 1;
    });
} else {
    main();
}
