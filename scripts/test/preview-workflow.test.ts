import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const WORKFLOWS = path.resolve(__dirname, "..", "..", ".github", "workflows");

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
function steps(file: string): { job: string; step: Step }[] {
    const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as { jobs: Record<string, { steps?: Step[] }> };
    return Object.entries(workflow.jobs).flatMap(([job, { steps: list = [] }]) => list.map((step) => ({ job, step })));
}

// What a pull request's preview may reach: the look-ups it needs, never a refresh's reads of secrets.
describe("the pull-request preview workflow", () => {
    const preview = steps("preview.yml");

    it("previews with the guardrail pack and never refreshes", () => {
        const actions = preview.filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));
        assert.ok(actions.length > 0);
        for (const { step } of actions) {
            assert.strictEqual(step.with?.command, "preview");
            assert.strictEqual(step.with?.refresh, false, "a refresh reads every secret version");
            assert.strictEqual(step.with?.policyPacks, "policy");
        }
        for (const { step } of preview.filter(({ step }) => step.run)) assert.doesNotMatch(String(step.run), /--refresh|pulumi (refresh|up)\b/);
    });

    it("runs the offline guardrails strict: the offline plan knows every value", () => {
        const gate = preview.find(({ step }) => /npm run policy/.test(String(step.run)));
        assert.match(String(gate?.step.run), /--plan plan\.json --strict/);
    });
});
