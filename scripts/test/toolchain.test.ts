import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { LAMBDA_RUNTIME } from "../../idp-lambda/build";

const ROOT = path.resolve(__dirname, "..", "..");
const NODE_MAJOR = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

// One Node everywhere: what .ci/run provisions, what the workflows set up, what engines admits and
// what the IdP runs on in Lambda. A drift between any two is a test on one Node and a deploy on another.
describe("the toolchain: the Node.js of .nvmrc, everywhere", () => {
    it("pins every Pulumi CLI the workflows install to the tested version, the @pulumi/pulumi of package-lock.json", () => {
        const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version: string }> };
        const tested = lock.packages["node_modules/@pulumi/pulumi"].version;
        const dir = path.join(ROOT, ".github", "workflows");
        let pinned = 0;
        for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
            const workflow = parse(fs.readFileSync(path.join(dir, file), "utf8")) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
            for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
                for (const step of steps.filter((s) => s.uses?.startsWith("pulumi/actions@"))) {
                    assert.strictEqual(step.with?.["pulumi-version"], tested, `${file} ${job}: pulumi/actions must install Pulumi ${tested}`);
                    pinned++;
                }
            }
        }
        assert.strictEqual(pinned, 3);
        assert.ok(read("README.md").includes(`Pulumi CLI ${tested}`), "README names the tested Pulumi CLI");
    });

    it("runs these tests on the Node major .nvmrc names (.ci/run provisions it from the npm registry)", () => {
        assert.match(NODE_MAJOR, /^\d+$/);
        assert.strictEqual(process.versions.node.split(".")[0], NODE_MAJOR, `tests run on Node ${process.version}; .nvmrc says ${NODE_MAJOR}: put $(bash .ci/node24) first on PATH`);
    });

    it("declares the same major as the lowest Node it supports", () => {
        assert.strictEqual(JSON.parse(read("package.json")).engines.node, `>=${NODE_MAJOR}.0.0`);
    });

    it("sets up Node from .nvmrc in every workflow job that sets up Node", () => {
        const dir = path.join(ROOT, ".github", "workflows");
        let setups = 0;
        for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
            const workflow = parse(fs.readFileSync(path.join(dir, file), "utf8")) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
            for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
                for (const step of steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
                    setups++;
                    assert.deepStrictEqual({ file, job, version: step.with?.["node-version"], file_: step.with?.["node-version-file"] }, { file, job, version: undefined, file_: ".nvmrc" });
                }
            }
        }
        assert.ok(setups >= 4, `found ${setups} setup-node steps`);
    });

    it("provisions that Node in .ci/run before npm ci, and runs exactly the README's test command", () => {
        const lines = read(".ci/run").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
        const provision = lines.findIndex((l) => l.includes("bash .ci/node24"));
        const ci = lines.indexOf("npm ci --no-audit --no-fund");
        assert.ok(provision >= 0 && ci > provision, lines.join("\n"));
        assert.strictEqual(lines[lines.length - 1], "npm test");
        assert.ok(read("README.md").includes("npm ci && npm test"));
    });

    it("installs the policy pack (which pulumi preview installs on its own) with the project's Pulumi versions", () => {
        const root = JSON.parse(read("package.json")).dependencies as Record<string, string>;
        const pack = JSON.parse(read("policy/package.json")).dependencies as Record<string, string>;
        for (const [name, range] of Object.entries(pack)) assert.strictEqual(range, root[name], `policy/package.json ${name}`);
    });

    it("builds the IdP for the Lambda runtime of the same Node major", () => {
        assert.strictEqual(LAMBDA_RUNTIME, `nodejs${NODE_MAJOR}.x`);
    });
});
