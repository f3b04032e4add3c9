// `npm run policy -- --plan <plan.json>`: the guardrails over an offline plan, without the engine.
import * as fs from "fs";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PlanDocument, PlanResource } from "../plan/format";
import { GUARDRAILS } from "./policies";

export interface Violation {
    policy: string;
    enforcementLevel: string;
    urn: string;
    message: string;
}

const isStackPolicy = (p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy => "validateStack" in p;

function notApplicable(): never {
    throw new NotApplicable();
}
class NotApplicable extends Error {}

// What the engine gives a policy: the resource's inputs merged with what is known of its outputs.
function toPolicyResources(plan: PlanDocument): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of plan.resources) {
        const props = { ...r.state, ...r.inputs };
        byUrn.set(r.urn, {
            type: r.type, name: r.name, urn: r.urn, props, opts: {} as PolicyResource["opts"],
            dependencies: [], propertyDependencies: {},
            isType: () => false, asType: () => undefined,
        } as unknown as PolicyResource);
    }
    for (const r of plan.resources) {
        const resource = byUrn.get(r.urn) as PolicyResource & { parent?: PolicyResource };
        const resolve = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
        resource.dependencies.push(...resolve(r.dependencies ?? []));
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) resource.propertyDependencies[key] = resolve(urns);
        if (r.parent) resource.parent = byUrn.get(r.parent);
    }
    return [...byUrn.values()];
}

/** Runs every guardrail over the plan; resource policies once per resource, stack policies once. */
export async function checkPlan(plan: PlanDocument, policies = GUARDRAILS): Promise<Violation[]> {
    const resources = toPolicyResources(plan);
    const violations: Violation[] = [];
    const base = { stackTags: new Map<string, string>(), getConfig: <T extends object>() => ({}) as T, notApplicable };
    for (const policy of policies) {
        const level = policy.enforcementLevel ?? "advisory";
        const report = (urn: string) => (message: string, reportedUrn?: string) => violations.push({ policy: policy.name, enforcementLevel: level, urn: reportedUrn ?? urn, message });
        try {
            if (isStackPolicy(policy)) {
                await policy.validateStack({ ...base, resources }, report(`urn:pulumi:${plan.stack}::closed-ftp::pulumi:pulumi:Stack::closed-ftp-${plan.stack}`));
                continue;
            }
            const validations = [policy.validateResource].flat().filter((v) => v !== undefined);
            for (const resource of resources) {
                for (const validate of validations) {
                    try {
                        const args = { ...base, type: resource.type, props: resource.props, urn: resource.urn, name: resource.name, opts: resource.opts, isType: () => false, asType: () => undefined };
                        await validate(args, report(resource.urn));
                    } catch (err) {
                        if (!(err instanceof NotApplicable)) throw err;
                    }
                }
            }
        } catch (err) {
            if (!(err instanceof NotApplicable)) throw err;
        }
    }
    return violations;
}

function isPlan(value: unknown): value is PlanDocument {
    const v = value as Partial<PlanDocument> | null;
    return typeof v === "object" && v !== null && typeof v.stack === "string" && Array.isArray(v.resources)
        && v.resources.every((r: Partial<PlanResource>) => typeof r?.urn === "string" && typeof r.type === "string" && typeof r.inputs === "object");
}

const USAGE = "usage: npm run policy -- --plan <plan.json>   (make one with: npm run --silent plan -- --stack <name> --json > plan.json)";

export async function main(argv: string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return 0;
    }
    const unknown = argv.filter((a, i) => a.startsWith("--") && a !== "--plan" && argv[i - 1] !== "--plan");
    const planIndex = argv.indexOf("--plan");
    const file = planIndex >= 0 ? argv[planIndex + 1] : undefined;
    if (unknown.length > 0 || !file || file.startsWith("--")) {
        console.error(`policy: ${unknown.length > 0 ? `unknown flag "${unknown[0]}"` : "--plan <file> is required"}\n${USAGE}`);
        return 2;
    }
    let plan: unknown;
    try {
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        console.error(`policy: --plan ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON (${(err as Error).message})`}`);
        return 2;
    }
    if (!isPlan(plan)) {
        console.error(`policy: --plan ${file}: not an offline plan document ({ stack, resources: [{ urn, type, inputs, ... }], outputs })`);
        return 2;
    }
    const violations = await checkPlan(plan);
    for (const v of violations) console.log(`${v.enforcementLevel.toUpperCase()} ${v.policy}: ${v.urn}\n    ${v.message}`);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
        console.log(`${mandatory.length} mandatory violation(s) in ${new Set(mandatory.map((v) => v.urn)).size} resource(s)`);
        return 1;
    }
    console.log(`0 violations: ${plan.resources.length} resources checked against ${GUARDRAILS.length} policies`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
