// Evaluates rendered policies with @cloud-copilot/iam-simulate (AGPL: test-only, never deployed).
import * as assert from "assert";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../policies";

export interface Request {
    principal: string;
    action: string;
    resource: string;
    /** Account that owns the resource. */
    resourceAccount: string;
    context: Record<string, string | string[]>;
    identityPolicies?: PolicyDocument[];
    sessionPolicy?: PolicyDocument | string;
    resourcePolicy?: PolicyDocument;
}

export type Outcome = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** Runs one request; fails the test if the simulator reports errors or ignores a context key. */
export async function evaluate(request: Request): Promise<Outcome> {
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables: request.context,
        },
        identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
        sessionPolicy: typeof request.sessionPolicy === "string" ? JSON.parse(request.sessionPolicy) : request.sessionPolicy,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: request.resourcePolicy,
    };
    const result = await runSimulation(simulation, {});
    const shown = JSON.stringify({ ...request, identityPolicies: undefined, sessionPolicy: undefined, resourcePolicy: undefined });
    if (result.resultType === "error") assert.fail(`simulation error for ${shown}: ${JSON.stringify(result.errors)}`);
    const results = result.resultType === "single" ? [result.result] : result.results;
    for (const r of results) assert.deepStrictEqual(r.ignoredContextKeys ?? [], [], `context keys ignored for ${shown}`);
    return result.overallResult as Outcome;
}

export async function expectOutcome(expected: Outcome | "Denied", request: Request): Promise<void> {
    const outcome = await evaluate(request);
    const ok = expected === "Denied" ? outcome !== "Allowed" : outcome === expected;
    assert.ok(ok, `expected ${expected}, got ${outcome} for ${request.principal} ${request.action} ${request.resource} ${JSON.stringify(request.context)}`);
}
