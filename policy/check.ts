// `npm run policy -- --plan <plan.json>`: the guardrails over an offline plan, through the same path
// as `pulumi preview --policy-pack policy`: Pulumi's own runner starts the pack, and the plan's
// resources go to it over the Analyzer protocol.
import * as fs from "fs";
import { PlanDocument, PlanResource } from "../plan/format";
import { FlagError, parseFlags } from "../scripts/cli-flags";
import { Analysis, RunningPack, startPolicyPack } from "./runner";

export { Violation } from "./runner";

/** Runs the plan through a running pack (start one per process and share it: starting costs a second). */
export async function checkPlan(plan: PlanDocument, pack: RunningPack): Promise<Analysis> {
    return pack.analyzePlan(plan);
}

function isPlan(value: unknown): value is PlanDocument {
    const v = value as Partial<PlanDocument> | null;
    return typeof v === "object" && v !== null && typeof v.stack === "string" && Array.isArray(v.resources)
        && v.resources.every((r: Partial<PlanResource>) => typeof r?.urn === "string" && typeof r.type === "string" && typeof r.inputs === "object");
}

const USAGE = "usage: npm run policy -- --plan <plan.json> [--strict]   (make one with: npm run --silent plan -- --stack <name> --json > plan.json)\n  --strict   also fail when a policy could not decide (UNDECIDED: a value the plan does not know), for gates where every id is known";

export async function main(argv: string[]): Promise<number> {
    let flags;
    try {
        flags = parseFlags(argv, { plan: { type: "string" }, strict: { type: "boolean" }, help: { type: "boolean", short: "h" } });
    } catch (err) {
        if (!(err instanceof FlagError)) throw err;
        console.error(`policy: ${err.message}\n${USAGE}`);
        return 2;
    }
    if (flags.help) {
        console.log(USAGE);
        return 0;
    }
    const file = flags.plan;
    if (!file) {
        console.error(`policy: --plan <file> is required\n${USAGE}`);
        return 2;
    }
    let plan: unknown;
    try {
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // `npm run plan -- … > plan.json` without --silent writes npm's "> closed-ftp@… plan" header first.
        const npmHeader = code === undefined && /^\s*> /.test(fs.readFileSync(file, "utf8").slice(0, 200));
        console.error(`policy: --plan ${file}: ${code === "ENOENT" ? "no such file" : npmHeader ? "starts with npm's script header, not JSON: write it with npm run --silent plan -- --stack <name> --json > plan.json" : `not JSON (${(err as Error).message})`}`);
        return 2;
    }
    if (!isPlan(plan)) {
        console.error(`policy: --plan ${file}: not an offline plan document ({ stack, resources: [{ urn, type, inputs, ... }], outputs })`);
        return 2;
    }
    let pack: RunningPack;
    try {
        pack = await startPolicyPack();
    } catch (err) {
        console.error(`policy: ${(err as Error).message}`);
        return 1;
    }
    try {
        const policies = (await pack.info()).policies.length;
        const { violations, undecided } = await checkPlan(plan, pack);
        for (const v of violations) console.log(`${v.enforcementLevel.toUpperCase()} ${v.policy}: ${v.urn}\n    ${v.message}`);
        // A first preview's unknowns: never a silent pass, each policy that could not decide is named.
        for (const u of undecided) console.log(`UNDECIDED ${u.policy}: ${u.urn}\n    ${u.reason}`);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        if (mandatory.length > 0) {
            console.log(`${mandatory.length} mandatory violation(s) in ${new Set(mandatory.map((v) => v.urn)).size} resource(s)`);
            return 1;
        }
        if (flags.strict && undecided.length > 0) {
            console.log(`--strict: ${undecided.length} check(s) could not decide on unknown values (listed above); a gate with --strict needs a plan where every value is known`);
            return 1;
        }
        const decided = undecided.length > 0 ? `; ${undecided.length} check(s) could not decide on unknown values (listed above)` : "";
        console.log(`0 violations: ${plan.resources.length} resources checked against ${policies} policies by the pack under Pulumi's runner${decided}`);
        return 0;
    } finally {
        await pack.stop();
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code), (err: unknown) => {
        console.error(`policy: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
    });
}
