// `npm run bench:plan`: how program evaluation grows with spokes and users.
// Generates stacks of 1, 10, 50 and 80 spoke accounts (two buckets each, every other one SSE-KMS,
// 20 users per account) and runs the offline plan on each in a fresh process: the program through
// Pulumi's own runner (cmd/run, as `pulumi preview` starts it), on the mock cloud that refuses what
// AWS refuses. Prints resources and milliseconds per user, the program's peak memory and how close
// the largest IAM role and security group come to their quotas.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { readStackFile, runPlan } from "./plan";
import { nonWhitespaceLength } from "./mock-cloud/rules";

const USERS_PER_SPOKE = 20;
const BUCKETS_PER_SPOKE = 2;
// 90 spokes (1,800 users) would be 138,673 bytes of config: more than Pulumi can hand a program (runner.ts).
const SIZES = [1, 10, 50, 80];
const ROOT = path.resolve(__dirname, "..");

/** A stack with `spokes` spoke accounts, two buckets each (every other bucket SSE-KMS), 20 users per account. */
export function benchStack(spokes: number): Record<string, unknown> {
    const accounts: Record<string, unknown> = {};
    const buckets: unknown[] = [];
    const users: unknown[] = [];
    for (let s = 0; s < spokes; s++) {
        const key = `spoke${s}`;
        const accountId = String(200000000000 + s);
        accounts[key] = { accountId, deployRoleArn: `arn:aws:iam::${accountId}:role/closed-ftp-deploy` };
        for (let b = 0; b < BUCKETS_PER_SPOKE; b++) buckets.push({ name: `drop${s}-${b}`, account: key, encryption: b % 2 === 0 ? "s3" : "kms" });
        for (let u = 0; u < USERS_PER_SPOKE; u++) {
            users.push({ userName: `user-${s}-${u}`, home: `drop${s}-${u % BUCKETS_PER_SPOKE}/user${u}`, ...(u % 4 === 0 ? { access: "read-only" } : {}) });
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
    const resources = run.document.resources;
    const users = resources.filter((r) => r.type === "closed-ftp:index:FtpUser").length;
    const cloudResources = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
    // Headroom: the largest inline-policy total of one role (quota 10,240) and the roles in the hub (1,000).
    const inline = new Map<string, number>();
    for (const policy of resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
        inline.set(String(policy.inputs.role), (inline.get(String(policy.inputs.role)) ?? 0) + nonWhitespaceLength(String(policy.inputs.policy)));
    }
    const roles = resources.filter((r) => r.type === "aws:iam/role:Role").length;
    process.stdout.write(JSON.stringify({ resources: resources.length, cloudResources, users, seconds, peakMb: run.programPeakMb ?? process.resourceUsage().maxRSS / 1024, maxInline: Math.max(...inline.values()), roles }));
}

interface Row { spokes: number; users: number; resources: number; cloudResources: number; seconds: number; peakMb: number; maxInline: number; roles: number }

function main(): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-bench-"));
    const rows: Row[] = [];
    console.log(`closed-ftp bench:plan on ${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), node ${process.version}`);
    console.log("spokes  buckets  users  resources  res/user  cloud/user  seconds  ms/user  peak MB  max inline/role  hub roles");
    for (const spokes of SIZES) {
        const stack = `bench${spokes}`;
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(benchStack(spokes)));
        const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [__filename, "--child", stack, dir], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
        if (result.status !== 0) {
            console.error(`bench:plan: the plan of ${spokes} spokes failed:\n${result.stderr}`);
            process.exitCode = 1;
            return;
        }
        const stats = JSON.parse(result.stdout) as Omit<Row, "spokes">;
        rows.push({ spokes, ...stats });
        console.log([
            String(spokes).padStart(6), String(spokes * BUCKETS_PER_SPOKE).padStart(8), String(stats.users).padStart(6), String(stats.resources).padStart(10),
            (stats.resources / stats.users).toFixed(2).padStart(9), (stats.cloudResources / stats.users).toFixed(2).padStart(11),
            stats.seconds.toFixed(2).padStart(8), (1000 * stats.seconds / stats.users).toFixed(1).padStart(8), stats.peakMb.toFixed(0).padStart(8),
            `${stats.maxInline} / 10240`.padStart(16), `${stats.roles} / 1000`.padStart(10),
        ].join(" "));
    }
    const small = rows[0];
    const large = rows[rows.length - 1];
    const growth = (large.seconds - small.seconds) / (large.users - small.users);
    console.log(`marginal cost: ${(1000 * growth).toFixed(1)} ms and ${((large.resources - small.resources) / (large.users - small.users)).toFixed(2)} resources per added user (buckets and providers included)`);
    console.log("every size planned on the mock cloud's rules table: no IAM, VPC, S3, KMS, Lambda or Transfer quota broken");
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
