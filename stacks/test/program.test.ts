import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "../config";
import { PlanRun, readStackFile, runPlan, StackConfig } from "../../scripts/plan-lib";
import { MockCloud, revealSecrets } from "../../scripts/mock-cloud";

const ROOT = path.resolve(__dirname, "..", "..");
const HUB = "111111111111";
const ANALYTICS = "222222222222";
const ARCHIVE = "333333333333";

function withConfig(base: StackConfig, changes: Record<string, unknown>): StackConfig {
    const config = { ...base.config };
    for (const [key, value] of Object.entries(changes)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
    return { config, secretKeys: base.secretKeys };
}

function countsByType(run: PlanRun): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of run.document.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
}

describe("the program on the dev stack", () => {
    let dev: StackConfig;
    let run: PlanRun;
    before(async () => {
        dev = readStackFile("dev", ROOT);
        run = await runPlan("dev", dev);
    });

    it("creates exactly one AWS provider per account, each pinned to its account and assuming its deploy role", () => {
        const providers = run.cloud.byType("pulumi:providers:aws");
        const byName = Object.fromEntries(providers.map((p) => [p.name, p.inputs]));
        assert.deepStrictEqual(Object.keys(byName).sort(), ["hub", "spoke-analytics", "spoke-archive"]);
        const expected: Record<string, string> = { hub: HUB, "spoke-analytics": ANALYTICS, "spoke-archive": ARCHIVE };
        for (const [name, account] of Object.entries(expected)) {
            assert.deepStrictEqual(JSON.parse(String(byName[name].allowedAccountIds)), [account]);
            assert.strictEqual(byName[name].region, "ap-northeast-1");
            const assumeRoles = JSON.parse(String(byName[name].assumeRoles));
            assert.deepStrictEqual(assumeRoles, [{ roleArn: `arn:aws:iam::${account}:role/closed-ftp-deploy`, sessionName: "closed-ftp-dev" }]);
            const tags = JSON.parse(String(byName[name].defaultTags)).tags;
            assert.strictEqual(tags.Project, "closed-ftp");
            assert.strictEqual(tags.Stack, "dev");
        }
    });

    it("registers no resource on a default provider", () => {
        assert.deepStrictEqual(run.cloud.onDefaultProvider().map((r) => r.urn), []);
    });

    it("puts the server, endpoints, IdP, users and every grant in the hub account", () => {
        const hubTypes = [
            "aws:transfer/server:Server", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:lambda/function:Function", "aws:lambda/permission:Permission",
            "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
            "aws:ec2/securityGroup:SecurityGroup", "aws:cloudwatch/logGroup:LogGroup",
        ];
        for (const type of hubTypes) {
            const resources = run.cloud.byType(type);
            assert.ok(resources.length > 0, `no ${type}`);
            for (const r of resources) assert.strictEqual(run.cloud.accountOf(r), HUB, r.urn);
        }
        assert.deepStrictEqual(run.cloud.byType("aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.endsWith("-grant")).map((r) => r.name).sort(),
            ["bucket-analytics-drop-grant", "bucket-archive-drop-grant", "bucket-inbox-grant"]);
    });

    it("puts each bucket, with its policy and key, in the account the config names", () => {
        const expected: Record<string, string> = { "bucket-inbox": HUB, "bucket-analytics-drop": ANALYTICS, "bucket-archive-drop": ARCHIVE };
        for (const [name, account] of Object.entries(expected)) {
            const own = run.document.resources.filter((r) => r.custom && r.name === name);
            assert.ok(own.length >= 6, `${name}: ${own.map((r) => r.type).join(", ")}`);
            for (const r of own) assert.strictEqual(run.cloud.accountOf(r), account, r.urn);
        }
        assert.deepStrictEqual(run.cloud.byType("aws:kms/key:Key").map((k) => [k.name, run.cloud.accountOf(k)]), [["bucket-analytics-drop", ANALYTICS]]);
    });

    it("gives every user a secret under the server's prefix and outputs homes, buckets and secret passwords", () => {
        const outputs = revealSecrets(run.document.outputs, false) as Record<string, unknown>;
        const serverId = String(outputs.serverId);
        const secrets = run.cloud.byType("aws:secretsmanager/secret:Secret").map((s) => s.inputs.name).sort();
        assert.deepStrictEqual(secrets, ["archiver", "partner-a", "partner-b", "user1"].map((u) => `aws/transfer/${serverId}/${u}`));
        const users = outputs.users as Record<string, Record<string, unknown>>;
        assert.deepStrictEqual(users["partner-a"], {
            bucket: "analytics-drop", bucketName: (outputs.buckets as Record<string, Record<string, unknown>>)["analytics-drop"].bucketName,
            prefix: "partner-a", account: "analytics", accountId: ANALYTICS, access: "read-only", allowedSourceCidrs: ["10.10.1.0/24"],
        });
        assert.strictEqual(users.user1.account, "hub");
        assert.strictEqual(outputs.userPasswords, "[secret]");
        const passwords = (revealSecrets(run.document.outputs, true) as { userPasswords: Record<string, string> }).userPasswords;
        assert.deepStrictEqual(Object.keys(passwords).sort(), ["archiver", "partner-a", "partner-b", "user1"]);
        assert.match(String(outputs.endpointDnsName), /^vpce-[0-9a-f]{17}-[0-9a-f]{8}\..*\.vpce\.amazonaws\.com$/);
        assert.deepStrictEqual((outputs.buckets as Record<string, Record<string, unknown>>)["analytics-drop"].encryption, "kms");
    });

    it("asks AWS only a fixed number of questions, however many users and buckets", () => {
        assert.deepStrictEqual(run.cloud.invokes.map((i) => i.token).sort(), ["aws:ec2/getVpc:getVpc", "aws:ec2/getVpcEndpoint:getVpcEndpoint"]);
    });

    it("adding a spoke adds its buckets, grants and users but no server and no VPC endpoint", async () => {
        const users = JSON.parse(dev.config["closed-ftp:users"]);
        const buckets = JSON.parse(dev.config["closed-ftp:buckets"]);
        const accounts = JSON.parse(dev.config["closed-ftp:accounts"]);
        const grown = await runPlan("dev", withConfig(dev, {
            "closed-ftp:accounts": { ...accounts, finance: { accountId: "444444444444", deployRoleArn: "arn:aws:iam::444444444444:role/closed-ftp-deploy" } },
            "closed-ftp:buckets": [...buckets, { name: "finance-drop", account: "finance", encryption: "kms" }],
            "closed-ftp:users": [...users, { userName: "finance-bot", home: "finance-drop/in" }],
        }));
        const before = countsByType(run);
        const after = countsByType(grown);
        assert.strictEqual(after["aws:transfer/server:Server"], 1);
        assert.strictEqual(after["aws:ec2/vpcEndpoint:VpcEndpoint"], before["aws:ec2/vpcEndpoint:VpcEndpoint"]);
        assert.strictEqual(after["aws:lambda/function:Function"], 1);
        assert.strictEqual(after["pulumi:providers:aws"], before["pulumi:providers:aws"] + 1);
        assert.strictEqual(after["aws:s3/bucket:Bucket"], before["aws:s3/bucket:Bucket"] + 1);
        assert.strictEqual(after["aws:iam/rolePolicy:RolePolicy"], before["aws:iam/rolePolicy:RolePolicy"] + 1);
        assert.strictEqual(after["aws:secretsmanager/secret:Secret"], before["aws:secretsmanager/secret:Secret"] + 1);
        const financeBucket = grown.cloud.find("aws:s3/bucket:Bucket", "bucket-finance-drop");
        assert.strictEqual(grown.cloud.accountOf(financeBucket), "444444444444");
    });

    it("builds a new isolated VPC with awsx when given a CIDR instead of a VPC id: no NAT, no internet gateway", async () => {
        const network = JSON.parse(dev.config["closed-ftp:network"]);
        const isolated = await runPlan("dev", withConfig(dev, {
            "closed-ftp:network": { cidrBlock: "10.80.0.0/16", availabilityZones: 2, allowedCidrs: network.allowedCidrs },
        }));
        const vpc = isolated.cloud.find("awsx:ec2:Vpc", "network");
        assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Isolated", name: "isolated" }]);
        assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "None" });
        assert.strictEqual(vpc.inputs.numberOfAvailabilityZones, 2);
        assert.strictEqual(vpc.inputs.enableDnsHostnames, true);
        assert.strictEqual(vpc.inputs.enableDnsSupport, true);
        const server = isolated.cloud.find("aws:transfer/server:Server", "ftp");
        const details = server.inputs.endpointDetails as { vpcId: string; subnetIds: string[] };
        assert.strictEqual(details.vpcId, (vpc.state as { vpcId: string }).vpcId);
        assert.deepStrictEqual(details.subnetIds, (vpc.state as { isolatedSubnetIds: string[] }).isolatedSubnetIds);
        assert.deepStrictEqual(isolated.cloud.invokes.map((i) => i.token), ["aws:ec2/getVpcEndpoint:getVpcEndpoint"]);
        assert.ok(!isolated.document.resources.some((r) => /internetGateway|natGateway/i.test(r.type)));
    });

    it("ends `pulumi up` on bad config with every issue and no stack trace (a RunError)", async () => {
        const cloud = await MockCloud.install({ stack: "dev" });
        const bad = withConfig(dev, { "closed-ftp:network": { vpcId: "vpc-1", allowedCidrs: ["0.0.0.0/0"] } });
        pulumi.runtime.setAllConfig(bad.config, bad.secretKeys);
        try {
            // require, not import: the entry point runs the program as it loads, which is what is under test.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            assert.throws(() => require("../index"), (err: Error) =>
                err instanceof pulumi.RunError && /closed-ftp:network\.vpcId/.test(err.message) && /closed-ftp:network\.allowedCidrs\[0\]/.test(err.message));
            await cloud.settled();
            assert.deepStrictEqual(cloud.resources, []);
        } finally {
            pulumi.runtime.setAllConfig({}, []);
        }
    });

    it("stops on bad config before registering anything, reporting every issue", async () => {
        const bad = withConfig(dev, { "closed-ftp:users": [{ userName: "x", home: "nowhere/x" }] });
        let caught: unknown;
        try {
            await runPlan("dev", bad);
        } catch (err) {
            caught = err;
        }
        assert.ok(caught instanceof ConfigValidationError, String(caught));
        const paths = caught.issues.map((i) => i.path);
        assert.ok(paths.includes("closed-ftp:users[0].userName"), paths.join(", "));
        assert.ok(paths.includes("closed-ftp:users[0].home"), paths.join(", "));
    });
});
