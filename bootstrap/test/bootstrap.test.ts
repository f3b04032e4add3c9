// The bootstrap, planned offline like the main program: Pulumi's runner, the mock cloud, the same
// JSON contract and guardrails; its roles are the ones the main program assumes.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigValidationError } from "../../stacks/config";
import { resolveEstate } from "../../stacks/estate";
import { deployRolePolicy, packPolicy } from "../../infra/bootstrap-policies";
import { PlanResource } from "../../plan/format";
import { PlanRun, readStackFile, renderPlan, runBootstrapPlan, stackFilePath, summarizePlan } from "../../plan/plan";
import { modelOf, planOnce } from "../../plan/test/plans";
import { deployScopes, GITHUB_OIDC_URL } from "../program";
import { parseFlags } from "../../plan/cli";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const HUB = "111111111111";

/** A copy of the dev stack file with its config changed, in a folder of its own. */
function devFileWith(change: (config: Record<string, unknown>) => void): string {
    const document = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    change(document.config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-bootstrap-"));
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringifyYaml(document));
    return path.join(dir, "Pulumi.dev.yaml");
}

describe("the bootstrap (bootstrap/), planned offline", () => {
    let run: PlanRun;
    let main: PlanRun;
    const of = (type: string) => run.document.resources.filter((r) => r.type === type);
    const accountOf = (r: PlanResource) => run.cloud.accountOf(run.cloud.byType("pulumi:providers:aws").find((p) => p.urn === r.provider) as PlanResource);
    before(async () => {
        const dev = readStackFile("dev", ROOT);
        [run, main] = await Promise.all([runBootstrapPlan("dev", stackFilePath("dev", ROOT), dev), planOnce("dev", dev)]);
    });

    it("creates in each account the deploy and preview roles the main program's providers assume", () => {
        const roles = of("aws:iam/role:Role").filter((r) => /-(deploy|preview)$/.test(r.name) && !r.name.startsWith("ci-")).map((r) => String(r.state.arn)).sort();
        const assumed = main.cloud.byType("pulumi:providers:aws").map((p) => (JSON.parse(String(p.inputs.assumeRoles)) as { roleArn: string }[])[0].roleArn);
        for (const arn of assumed) assert.ok(roles.includes(arn), `${arn} is not created by the bootstrap`);
        // A deploy and a preview role in each of the four accounts (the network account holds only the DNS record).
        assert.strictEqual(roles.length, 8);
        for (const r of of("aws:iam/role:Role")) assert.strictEqual(r.inputs.path, "/closed-ftp-bootstrap/", r.name);
    });

    it("attaches to each deploy role exactly the packed deploy policy the evaluation tests prove", () => {
        const model = modelOf(readStackFile("dev", ROOT));
        const attached = of("aws:iam/policy:Policy").filter((r) => /-deploy-\d+$/.test(r.name));
        for (const scope of deployScopes(model, resolveEstate(model, "dev")).values()) {
            const own = attached.filter((r) => accountOf(r) === scope.accountId).map((r) => JSON.parse(String(r.inputs.policy)));
            assert.deepStrictEqual(own, packPolicy(deployRolePolicy(scope)), scope.accountId);
        }
        assert.strictEqual(of("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, attached.length);
    });

    it("trusts the deploy roles to the deploy environment's CI role and the administrators, the preview roles to the preview environment's", () => {
        const trust = (name: string) => JSON.parse(String(of("aws:iam/role:Role").find((r) => r.name === name)?.inputs.assumeRolePolicy)).Statement[0].Principal.AWS;
        const ci = (env: string) => `arn:aws:iam::${HUB}:role/closed-ftp-bootstrap/closed-ftp-dev-ci-${env}`;
        assert.deepStrictEqual(trust("analytics-deploy"), [`arn:aws:iam::${HUB}:role/Administrator`, ci("deploy")]);
        assert.deepStrictEqual(trust("hub-preview"), [`arn:aws:iam::${HUB}:role/Administrator`, ci("preview")]);
    });

    it("gives each CI role only its GitHub environment of the repository, through GitHub's OIDC provider in the hub", () => {
        const [provider] = of("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.deepStrictEqual([provider.inputs.url, provider.inputs.clientIdLists, accountOf(provider)], [GITHUB_OIDC_URL, ["sts.amazonaws.com"], HUB]);
        for (const [name, environment] of [["ci-deploy", "dev"], ["ci-preview", "dev-preview"], ["ci-smoke", "dev-smoke"]]) {
            const statement = JSON.parse(String(of("aws:iam/role:Role").find((r) => r.name === name)?.inputs.assumeRolePolicy)).Statement[0];
            assert.deepStrictEqual(statement.Principal, { Federated: provider.state.arn });
            assert.deepStrictEqual(statement.Condition.StringEquals, {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": `repo:example-org/closed-ftp:environment:${environment}`,
            });
        }
    });

    it("makes the state bucket versioned, encrypted, TLS-only, private and protected, and the secrets key protected", () => {
        const state = of("aws:s3/bucket:Bucket")[0];
        assert.strictEqual(state.inputs.bucket, `closed-ftp-state-dev-${HUB}`);
        const children = run.document.resources.filter((r) => r.parent === state.urn);
        assert.deepStrictEqual(children.map((r) => r.type.split(":").pop()).sort(), ["BucketOwnershipControls", "BucketPolicy", "BucketPublicAccessBlock", "BucketServerSideEncryptionConfiguration", "BucketVersioning"]);
        const tls = JSON.parse(String(children.find((r) => r.type.endsWith("BucketPolicy"))?.inputs.policy)).Statement[0];
        assert.deepStrictEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
        for (const r of [state, ...children, ...of("aws:kms/key:Key"), ...of("aws:kms/alias:Alias")]) assert.deepStrictEqual([r.name, r.protect, r.retainOnDelete], [r.name, true, true], r.type);
        assert.strictEqual(of("aws:kms/alias:Alias")[0].inputs.name, "alias/closed-ftp-dev-secrets");
    });

    it("outputs each account's roles, the login URL, the secrets provider and each GitHub environment's variables", () => {
        const outputs = renderPlan(run.document, false).outputs as Record<string, Record<string, unknown>>;
        assert.strictEqual(outputs.backendUrl, `s3://closed-ftp-state-dev-${HUB}?region=ap-northeast-1`);
        assert.strictEqual(outputs.secretsProvider, "awskms://alias/closed-ftp-dev-secrets?region=ap-northeast-1");
        assert.deepStrictEqual(Object.keys(outputs.accounts).sort(), ["analytics", "archive", "hub", "network"]);
        assert.deepStrictEqual(Object.keys(outputs.githubEnvironments).sort(), ["dev", "dev-preview", "dev-smoke"]);
        assert.match(String((outputs.githubEnvironments.dev as Record<string, string>).AWS_DEPLOY_ROLE_ARN), /:role\/closed-ftp-bootstrap\/closed-ftp-dev-ci-deploy$/);
        assert.match(summarizePlan(run, false), /^Offline plan of the bootstrap \(closed-ftp-bootstrap\) of stack "dev"/);
        assert.strictEqual(run.document.project, "closed-ftp-bootstrap");
    });

    it("refuses, all at once and by path, a config the bootstrap cannot deploy", async () => {
        const file = devFileWith((config) => {
            config["closed-ftp:bootstrap"] = { github: { repository: "example-org/closed-ftp" } };
            (config["closed-ftp:hub"] as Record<string, unknown>).deployRoleArn = `arn:aws:iam::${HUB}:role/closed-ftp-deploy`;
        });
        await assert.rejects(runBootstrapPlan("dev", file, readStackFile("dev", path.dirname(file))), (err: unknown) => {
            assert.ok(err instanceof ConfigValidationError, String(err));
            assert.deepStrictEqual(err.issues.map((i) => i.path), ["closed-ftp:bootstrap.accountAccessRoleName", "closed-ftp:hub.deployRoleArn"]);
            return true;
        });
        const none = devFileWith((config) => delete config["closed-ftp:bootstrap"]);
        // Without the block the spokes name no role: the main schema says so, pointing at the bootstrap.
        await assert.rejects(runBootstrapPlan("dev", none, readStackFile("dev", path.dirname(none))), (err: unknown) =>
            err instanceof ConfigValidationError && err.issues.every((i) => /deployRoleArn$/.test(i.path) && /or add closed-ftp:bootstrap/.test(i.message)));
        const missing = path.join(os.tmpdir(), "closed-ftp-no-such-dir", "Pulumi.dev.yaml");
        await assert.rejects(runBootstrapPlan("dev", missing, readStackFile("dev", ROOT)), (err: unknown) =>
            err instanceof ConfigValidationError && err.issues[0].path === "stack" && /reads the main project's stack file, and .* does not exist/.test(err.issues[0].message));
    });

    it("passes the guardrails, strict; npm run plan takes --bootstrap", () => {
        assert.strictEqual((parseFlags(["--stack", "dev", "--bootstrap", "--json"]) as { bootstrap: boolean }).bootstrap, true);
        assert.match(summarizePlan(run, false), /account 222222222222 \(bootstrap-analytics, ap-northeast-1, assumes arn:aws:iam::222222222222:role\/OrganizationAccountAccessRole\)/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-bootstrap-plan-"));
        fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(renderPlan(run.document, false)));
        const policy = spawnSync(TSX, [path.join(ROOT, "policy", "check.ts"), "--plan", path.join(dir, "plan.json"), "--strict"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
        assert.strictEqual(policy.status, 0, policy.stdout + policy.stderr);
        assert.match(policy.stdout, /^0 violations/m);
    });
});
