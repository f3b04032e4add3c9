// One run of Pulumi's runner per distinct plan in a test process: several suites plan the dev stack
// (and its first preview), and each run is a program started, compiled and evaluated afresh.
// Callers treat the run as read-only.
import { PlanOptions, PlanRun, runPlan, StackConfig } from "../plan";
import { parseStackConfig, StackModel } from "../../stacks/config";

/** The stack model of a stack file's config (engine-style strings), passwords left out as the bootstrap leaves them. */
export function modelOf(stack: StackConfig): StackModel {
    return parseStackConfig(Object.fromEntries(Object.entries(stack.config).filter(([k]) => !k.startsWith("closed-ftp:passwords"))
        .map(([k, v]) => [k, /^\s*[[{]/.test(v) ? JSON.parse(v) : v])));
}

/** The stack with another `closed-ftp:network` (a new VPC, other endpoints), keeping its client ranges. */
export function withNetwork(base: StackConfig, network: Record<string, unknown>): StackConfig {
    const allowedCidrs = JSON.parse(base.config["closed-ftp:network"]).allowedCidrs;
    const config: Record<string, string> = { ...base.config, "closed-ftp:network": JSON.stringify({ allowedCidrs, ...network }) };
    // A new VPC's route tables are the stack's own: the test client names none.
    const client = base.config["closed-ftp:testClient"];
    if (client && network.vpcId === undefined) {
        const { hubRouteTableIds: _named, ...rest } = JSON.parse(client) as Record<string, unknown>;
        config["closed-ftp:testClient"] = JSON.stringify(rest);
    }
    return { config, secretKeys: base.secretKeys };
}

// Kept on the process, not the module: mocha's workers load each test file's modules afresh, and a plan
// another file of the same worker made is the same plan. A failed plan is not kept across files.
const shared = globalThis as unknown as { closedFtpPlans?: Map<string, Promise<PlanRun>> };
const runs = (shared.closedFtpPlans ??= new Map<string, Promise<PlanRun>>());

export function planOnce(stack: string, config: StackConfig, options: PlanOptions = {}): Promise<PlanRun> {
    const key = JSON.stringify([stack, config, options]);
    let run = runs.get(key);
    if (!run) {
        run = runPlan(stack, config, options);
        runs.set(key, run);
        run.catch(() => runs.delete(key));
    }
    return run;
}

/** The stack without closed-ftp:testClient: for tests of everything else (the test client's own tests plan it). */
export function withoutTestClient(base: StackConfig): StackConfig {
    const { "closed-ftp:testClient": _client, ...config } = base.config;
    return { config, secretKeys: base.secretKeys };
}
