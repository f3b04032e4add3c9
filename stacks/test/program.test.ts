import * as assert from "assert";
import * as path from "path";
import { ConfigValidationError } from "../config";
import { credentialsFrom } from "../credentials";
import { PlanOptions, PlanRun, readStackFile, StackConfig } from "../../plan/plan";
import { planOnce, withoutTestClient } from "../../plan/test/plans";
import { ProgramError, runProgram } from "../../plan/runner";
import { MockCloud, MockVpc, revealSecrets } from "../../plan/mock-cloud";

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
        // The dev stack as it is; its variants below leave the test client out (its own tests plan it).
        run = await planOnce("dev", readStackFile("dev", ROOT));
        dev = withoutTestClient(readStackFile("dev", ROOT));
    });

    it("creates exactly one AWS provider per account, each pinned to its account and assuming its deploy role", () => {
        const providers = run.cloud.byType("pulumi:providers:aws");
        const byName = Object.fromEntries(providers.map((p) => [p.name, p.inputs]));
        // The network account holds only the endpoint's DNS record (closed-ftp:dns), through its own provider.
        assert.deepStrictEqual(Object.keys(byName).sort(), ["hub", "spoke-analytics", "spoke-archive", "spoke-network"]);
        const expected: Record<string, string> = { hub: HUB, "spoke-analytics": ANALYTICS, "spoke-archive": ARCHIVE, "spoke-network": "444444444444" };
        for (const [name, account] of Object.entries(expected)) {
            assert.deepStrictEqual(JSON.parse(String(byName[name].allowedAccountIds)), [account]);
            assert.strictEqual(byName[name].region, "ap-northeast-1");
            const assumeRoles = JSON.parse(String(byName[name].assumeRoles));
            // The bootstrap's role, by its convention: the stack file names no role (closed-ftp:bootstrap).
            assert.deepStrictEqual(assumeRoles, [{ roleArn: `arn:aws:iam::${account}:role/closed-ftp-bootstrap/closed-ftp-dev-deploy`, sessionName: "closed-ftp-dev" }]);
            const tags = JSON.parse(String(byName[name].defaultTags)).tags;
            assert.strictEqual(tags.Project, "closed-ftp");
            assert.strictEqual(tags.Stack, "dev");
            // The organisation's tags (closed-ftp:tags) ride along on every provider's defaults.
            assert.deepStrictEqual([tags.CostCenter, tags.Owner], ["4711", "platform-team"]);
        }
    });

    it("draws every user's salt and generated password from one seed: no random resource per user", () => {
        assert.deepStrictEqual(run.document.resources.filter((r) => r.type.startsWith("random:index/")).map((r) => r.name), ["credential-seed"]);
        const hashes = run.cloud.byType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => JSON.parse(String(revealSecrets(v.inputs.secretString, true))).PasswordHash);
        assert.strictEqual(new Set(hashes.map((h: string) => h.split("$")[3])).size, 4, "four users, four salts");
    });

    it("registers no resource on a default provider", () => {
        assert.deepStrictEqual(run.cloud.onDefaultProvider().map((r) => r.urn), []);
    });

    it("puts the server, endpoints, IdP, users, every access role and every grant in the hub account", () => {
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
        assert.deepStrictEqual(run.cloud.byType("aws:iam/role:Role").map((r) => r.name).sort(),
            ["bucket-analytics-drop-access", "bucket-archive-drop-access", "bucket-inbox-access", "ftp-idp-role", "test-client-role"]);
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
            accessRoleArn: (outputs.buckets as Record<string, Record<string, unknown>>)["analytics-drop"].accessRoleArn,
        });
        assert.strictEqual(users.user1.account, "hub");
        assert.strictEqual(outputs.userPasswords, "[secret]");
        const passwords = (revealSecrets(run.document.outputs, true) as { userPasswords: Record<string, string> }).userPasswords;
        assert.deepStrictEqual(Object.keys(passwords).sort(), ["archiver", "partner-a", "partner-b", "user1"]);
        // The server's own endpoint, as the look-up of its id answers: not another endpoint's name.
        assert.ok(String(outputs.endpointDnsName).startsWith(`${String(outputs.vpcEndpointId)}-`), String(outputs.endpointDnsName));
        const server = run.cloud.find("aws:transfer/server:Server", "ftp");
        assert.strictEqual(outputs.vpcEndpointId, (server.state.endpointDetails as { vpcEndpointId: string }).vpcEndpointId);
        assert.deepStrictEqual((outputs.buckets as Record<string, Record<string, unknown>>)["analytics-drop"].encryption, "kms");
    });

    it("asks AWS only a fixed number of questions, however many users and buckets", () => {
        // The three endpoint services: each subnet's zone must offer Transfer's, STS's and Secrets Manager's;
        // the endpoint's interface in each subnet (its private address); the DNS zone, in the network account;
        // for the test client: its two route tables, the SSM endpoints' zones and the AL2023 image.
        assert.deepStrictEqual(run.cloud.invokes.map((i) => i.token).sort(), [
            "aws:ec2/getAmi:getAmi", ...Array(2).fill("aws:ec2/getNetworkInterface:getNetworkInterface"), ...Array(2).fill("aws:ec2/getRouteTable:getRouteTable"),
            "aws:ec2/getSubnet:getSubnet", "aws:ec2/getSubnet:getSubnet", "aws:ec2/getVpc:getVpc",
            "aws:ec2/getVpcEndpoint:getVpcEndpoint", ...Array(5).fill("aws:ec2/getVpcEndpointService:getVpcEndpointService"), "aws:route53/getZone:getZone",
        ]);
        assert.match(String(run.cloud.invokes.find((i) => i.token === "aws:route53/getZone:getZone")?.provider), /::spoke-network$/);
    });

    it("names in each user's secret the access role of that user's bucket, and a KMS bucket's key in its session policy", () => {
        const bodies = Object.fromEntries(run.cloud.byType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => [v.name, JSON.parse(String(revealSecrets(v.inputs.secretString, true)))]));
        const roleOf = (bucket: string) => run.cloud.find("aws:iam/role:Role", `bucket-${bucket}-access`).state.arn;
        assert.strictEqual(bodies["user-user1"].Role, roleOf("inbox"));
        assert.strictEqual(bodies["user-partner-b"].Role, roleOf("analytics-drop"));
        assert.strictEqual(bodies["user-archiver"].Role, roleOf("archive-drop"));
        const key = run.cloud.find("aws:kms/key:Key", "bucket-analytics-drop").state.arn;
        const keyStatement = (user: string) => JSON.parse(bodies[user].Policy).Statement.find((s: { Sid: string }) => s.Sid === "UseBucketKey");
        assert.deepStrictEqual(keyStatement("user-partner-b"), { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key });
        assert.deepStrictEqual(keyStatement("user-partner-a"), { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: key });
        assert.strictEqual(keyStatement("user-user1"), undefined);
    });

    it("adding a spoke adds its buckets, grants and users but no server and no VPC endpoint", async () => {
        const users = JSON.parse(dev.config["closed-ftp:users"]);
        const buckets = JSON.parse(dev.config["closed-ftp:buckets"]);
        const accounts = JSON.parse(dev.config["closed-ftp:accounts"]);
        const grown = await planOnce("dev", withConfig(dev, {
            "closed-ftp:accounts": { ...accounts, finance: { accountId: "555555555555" } },
            "closed-ftp:buckets": [...buckets, { name: "finance-drop", account: "finance", encryption: "kms" }],
            "closed-ftp:users": [...users, { userName: "finance-bot", home: "finance-drop/in" }],
        }));
        // The dev stack's own, the test client aside (the grown stack leaves it out).
        const before = countsByType({ ...run, document: { ...run.document, resources: run.document.resources.filter((r) => !r.urn.includes("TestClient") && !r.urn.endsWith("-10-254-0-0-24")) } });
        const after = countsByType(grown);
        assert.strictEqual(after["aws:transfer/server:Server"], 1);
        assert.strictEqual(after["aws:ec2/vpcEndpoint:VpcEndpoint"], before["aws:ec2/vpcEndpoint:VpcEndpoint"]);
        assert.strictEqual(after["aws:lambda/function:Function"], 1);
        assert.strictEqual(after["pulumi:providers:aws"], before["pulumi:providers:aws"] + 1);
        assert.strictEqual(after["aws:s3/bucket:Bucket"], before["aws:s3/bucket:Bucket"] + 1);
        assert.strictEqual(after["aws:iam/rolePolicy:RolePolicy"], before["aws:iam/rolePolicy:RolePolicy"] + 1);
        assert.strictEqual(after["aws:secretsmanager/secret:Secret"], before["aws:secretsmanager/secret:Secret"] + 1);
        const financeBucket = grown.cloud.find("aws:s3/bucket:Bucket", "bucket-finance-drop");
        assert.strictEqual(grown.cloud.accountOf(financeBucket), "555555555555");
    });

    it("builds a new VPC from aws.ec2 resources, every one in the plan, with no path to the internet", async () => {
        const network = JSON.parse(dev.config["closed-ftp:network"]);
        const isolated = await planOnce("dev", withConfig(dev, {
            "closed-ftp:network": { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"], allowedCidrs: network.allowedCidrs },
            // The isolated VPC alone (the test client's routes are its own test's).
            "closed-ftp:testClient": "false",
        }));
        const vpc = isolated.cloud.find("aws:ec2/vpc:Vpc", "network");
        assert.deepStrictEqual([vpc.inputs.cidrBlock, vpc.inputs.enableDnsSupport, vpc.inputs.enableDnsHostnames], ["10.80.0.0/16", true, true]);
        const subnets = isolated.cloud.byType("aws:ec2/subnet:Subnet");
        assert.deepStrictEqual(subnets.map((s) => [s.name, s.inputs.availabilityZone, s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]), [
            ["network-ap-northeast-1a", "ap-northeast-1a", "10.80.0.0/18", false], ["network-ap-northeast-1c", "ap-northeast-1c", "10.80.64.0/18", false],
        ]);
        const tables = isolated.cloud.byType("aws:ec2/routeTable:RouteTable");
        // Routes stay undeclared: the clients' routes (transit gateway, VPN) are the network team's.
        assert.deepStrictEqual(tables.map((t) => t.inputs.routes), [undefined, undefined]);
        assert.strictEqual(isolated.cloud.byType("aws:ec2/routeTableAssociation:RouteTableAssociation").length, 2);
        assert.deepStrictEqual(isolated.document.resources.filter((r) => /internetGateway|natGateway|egressOnlyInternetGateway|eip:Eip|ec2\/route:Route$|awsx/i.test(r.type)).map((r) => r.type), []);
        const server = isolated.cloud.find("aws:transfer/server:Server", "ftp");
        const details = server.inputs.endpointDetails as { vpcId: string; subnetIds: string[] };
        assert.strictEqual(details.vpcId, vpc.state.id);
        assert.deepStrictEqual(details.subnetIds, subnets.map((s) => s.state.id));
        assert.deepStrictEqual(isolated.cloud.invokes.map((i) => i.token).sort(), [...Array(2).fill("aws:ec2/getNetworkInterface:getNetworkInterface"),
            "aws:ec2/getVpcEndpoint:getVpcEndpoint", ...Array(3).fill("aws:ec2/getVpcEndpointService:getVpcEndpointService"), "aws:index/getAvailabilityZones:getAvailabilityZones", "aws:route53/getZone:getZone"]);
        // The endpoint's addresses are in the new VPC's own subnets.
        const outputs = isolated.document.outputs as { endpointPrivateIps: Record<string, string> };
        subnets.forEach((subnet) => assert.ok(outputs.endpointPrivateIps[String(subnet.inputs.availabilityZone)].startsWith(String(subnet.inputs.cidrBlock).split(".").slice(0, 3).join(".")), String(subnet.inputs.cidrBlock)));
    });

    it("ends `pulumi up` on bad config with every issue and no stack trace (a RunError, as Pulumi's runner logs it)", async () => {
        const bad = withConfig(dev, { "closed-ftp:network": { vpcId: "vpc-1", allowedCidrs: ["0.0.0.0/0"] } });
        const cloud = new MockCloud({ defaultRegion: "ap-northeast-1" });
        const failed = await runProgram({ dir: ROOT, stack: "dev", config: bad.config, secretKeys: bad.secretKeys, cloud }).then(() => undefined, (err: unknown) => err);
        assert.ok(failed instanceof ProgramError, String(failed));
        assert.strictEqual(failed.exitCode, 32, "the runner's code for an error it already reported to the engine");
        assert.strictEqual(failed.messages.length, 1, failed.message);
        assert.match(failed.messages[0], /closed-ftp:network\.vpcId/);
        assert.match(failed.messages[0], /closed-ftp:network\.allowedCidrs\[0\]/);
        assert.doesNotMatch(failed.messages[0], /\n\s+at /, "no stack trace");
        assert.deepStrictEqual(cloud.resources, []);
    });

    it("refuses a password the stack file holds in plain text, as pulumi preview would hand it over", async () => {
        const plain = withConfig(dev, { "closed-ftp:passwords.partner-a": "plain-text-password" });
        const caught = await planOnce("dev", plain).then(() => undefined, (err: unknown) => err);
        assert.ok(caught instanceof ConfigValidationError, String(caught));
        assert.deepStrictEqual(caught.issues.map((i) => i.path), ["closed-ftp:passwords.partner-a"]);
        const secret = await planOnce("dev", { ...plain, secretKeys: [...plain.secretKeys, "closed-ftp:passwords.partner-a"] });
        assert.strictEqual(secret.cloud.byType("aws:secretsmanager/secret:Secret").length, 4);
    });

    it("stops on bad config before registering anything, reporting every issue", async () => {
        const bad = withConfig(dev, { "closed-ftp:users": [{ userName: "x", home: "nowhere/x" }] });
        let caught: unknown;
        try {
            await planOnce("dev", bad);
        } catch (err) {
            caught = err;
        }
        assert.ok(caught instanceof ConfigValidationError, String(caught));
        const paths = caught.issues.map((i) => i.path);
        assert.ok(paths.includes("closed-ftp:users[0].userName"), paths.join(", "));
        assert.ok(paths.includes("closed-ftp:users[0].home"), paths.join(", "));
    });

    describe("an existing VPC, looked up before anything is created", () => {
        const VPC = "vpc-0123456789abcdef0";
        const [A, B] = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];
        const world = (vpc: Partial<MockVpc>, extra: Record<string, MockVpc> = {}): PlanOptions => ({
            vpcs: { [VPC]: { cidrBlocks: ["10.0.0.0/16", "100.64.0.0/16"], subnets: { [A]: "ap-northeast-1a", [B]: "ap-northeast-1c" }, routeTables: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"], routeTableOf: { [A]: "rtb-0aaaaaaaaaaaaaaaa", [B]: "rtb-0bbbbbbbbbbbbbbbb" }, ...vpc }, ...extra },
        });
        async function refusal(config: StackConfig, options: PlanOptions): Promise<ConfigValidationError> {
            let caught: unknown;
            try {
                await planOnce("dev", config, options);
            } catch (err) {
                caught = err;
            }
            assert.ok(caught instanceof ConfigValidationError, String(caught));
            return caught;
        }
        const withEndpoints = (existingEndpoints: string[]) => withConfig(dev, {
            "closed-ftp:network": { ...JSON.parse(dev.config["closed-ftp:network"]), existingEndpoints },
        });

        it("admits HTTPS to the endpoints from every CIDR of the VPC, secondary ones included", async () => {
            const plan = await planOnce("dev", dev, world({}));
            const rules = plan.cloud.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.fromPort === 443).map((r) => r.inputs.cidrIpv4);
            assert.deepStrictEqual(rules, ["10.0.0.0/16", "100.64.0.0/16"]);
        });

        it("reuses the endpoints the VPC already has, reading them, and creates only the rest", async () => {
            const plan = await planOnce("dev", withEndpoints(["sts"]), world({ endpoints: { sts: { privateDnsEnabled: true } } }));
            const endpoints = plan.cloud.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.name.startsWith("ftp-")).map((e) => [e.name, e.read === true]);
            assert.deepStrictEqual(endpoints.sort(), [["ftp-secretsmanager", false], ["ftp-sts", true]]);
            const server = plan.cloud.find("aws:transfer/server:Server", "ftp");
            assert.ok(server.dependencies.some((urn) => urn.endsWith("::ftp-sts")), "the server waits for the STS endpoint it relies on, read or created");
        });

        const C = "subnet-0cccccccccccccccc";
        const everything = () => refusal(withConfig(dev, {
            "closed-ftp:network": { ...JSON.parse(dev.config["closed-ftp:network"]), subnetIds: [A, B, C], existingEndpoints: ["sts", "secretsmanager"] },
        }), world(
            { dns: false, subnets: { [A]: "ap-northeast-1a" }, endpoints: { sts: { privateDnsEnabled: false } } },
            { "vpc-0ffffffffffffffff": { cidrBlocks: ["10.9.0.0/16"], subnets: { [B]: "ap-northeast-1a" } } }));

        it("refuses, all at once and each by path, a VPC without DNS, subnets of another VPC, sharing a zone or missing, and endpoints missing or with private DNS off", async () => {
            const issues = (await everything()).issues.map((i) => [i.path, i.message]);
            assert.deepStrictEqual(issues.map(([p]) => p), [
                "closed-ftp:network.vpcId", "closed-ftp:network.subnetIds[2]", "closed-ftp:network.subnetIds[1]", "closed-ftp:network.subnetIds[1]",
                "closed-ftp:network.existingEndpoints", "closed-ftp:network.existingEndpoints",
            ], JSON.stringify(issues, null, 1));
            assert.match(issues[0][1], /must have DNS support and DNS hostnames on/);
            assert.match(issues[1][1], new RegExp(`subnet ${C}: no matching EC2 Subnet found`));
            assert.strictEqual(issues[2][1], `subnet ${B} is in vpc-0ffffffffffffffff, not in ${VPC}`);
            assert.match(issues[3][1], /is in ap-northeast-1a like subnetIds\[0\]: interface endpoints take one subnet per availability zone/);
            assert.match(issues[4][1], new RegExp(`the sts endpoint vpce-[0-9a-f]{17} in VPC ${VPC} has private DNS off`));
            assert.match(issues[5][1], new RegExp(`no usable secretsmanager interface endpoint \\(com\\.amazonaws\\.ap-northeast-1\\.secretsmanager\\) in VPC ${VPC}`));
        });

        it("refuses a VPC that does not exist, in the AWS provider's words, before creating anything", async () => {
            const issues = (await refusal(dev, { vpcs: {} })).issues;
            assert.deepStrictEqual(issues.map((i) => i.path), ["closed-ftp:network.vpcId", "closed-ftp:network.subnetIds[0]", "closed-ftp:network.subnetIds[1]"]);
            assert.match(issues[0].message, new RegExp(`VPC ${VPC} in the hub account ${HUB}: .*no matching EC2 VPC found`));
        });
    });

    describe("credentials", () => {
        /** The dev stack as one deployed without the bootstrap: every role written out by hand. */
        const handWritten = (roles: { preview: boolean }) => {
            const { "closed-ftp:bootstrap": _bootstrap, ...config } = dev.config;
            const arns = (account: string) => ({
                deployRoleArn: `arn:aws:iam::${account}:role/closed-ftp-deploy`,
                ...(roles.preview ? { previewRoleArn: `arn:aws:iam::${account}:role/closed-ftp-preview` } : {}),
            });
            const accounts = JSON.parse(dev.config["closed-ftp:accounts"]) as Record<string, { accountId: string }>;
            return withConfig({ config, secretKeys: dev.secretKeys }, {
                "closed-ftp:hub": { ...JSON.parse(dev.config["closed-ftp:hub"]), ...arns(HUB) },
                "closed-ftp:accounts": Object.fromEntries(Object.entries(accounts).map(([key, a]) => [key, { ...a, ...arns(a.accountId) }])),
            });
        };

        it("assumes each account's read-only preview role for a pull-request preview, never the deploy role", async () => {
            const preview = await planOnce("dev", dev, { credentials: "preview" });
            for (const provider of preview.cloud.byType("pulumi:providers:aws")) {
                const [assumed] = JSON.parse(String(provider.inputs.assumeRoles));
                assert.match(assumed.roleArn, /:role\/closed-ftp-bootstrap\/closed-ftp-dev-preview$/, provider.name);
            }
            const written = await planOnce("dev", handWritten({ preview: true }), { credentials: "preview" });
            for (const provider of written.cloud.byType("pulumi:providers:aws")) assert.match(JSON.parse(String(provider.inputs.assumeRoles))[0].roleArn, /:role\/closed-ftp-preview$/, provider.name);
            // The runner's own shell never steers the program: only what runPlan is told reaches it.
            process.env.CLOSED_FTP_CREDENTIALS = "preview";
            const deploy = await planOnce("dev", handWritten({ preview: true })).finally(() => delete process.env.CLOSED_FTP_CREDENTIALS);
            for (const provider of deploy.cloud.byType("pulumi:providers:aws")) assert.match(JSON.parse(String(provider.inputs.assumeRoles))[0].roleArn, /:role\/closed-ftp-deploy$/);
        });

        it("refuses a preview of an account that has a deploy role but no preview role, naming the key", async () => {
            await assert.rejects(planOnce("dev", handWritten({ preview: false }), { credentials: "preview" }), (err: unknown) =>
                err instanceof ConfigValidationError && err.issues[0].path === "closed-ftp:hub.previewRoleArn" && /never assume the deploy role/.test(err.issues[0].message));
        });

        it("refuses a role the bootstrap did not create, naming the role it does create; the convention's own ARN is accepted", async () => {
            const accounts = JSON.parse(dev.config["closed-ftp:accounts"]);
            const mismatch = withConfig(dev, {
                "closed-ftp:hub": { ...JSON.parse(dev.config["closed-ftp:hub"]), deployRoleArn: `arn:aws:iam::${HUB}:role/closed-ftp-deploy` },
                "closed-ftp:accounts": { ...accounts, archive: { ...accounts.archive, previewRoleArn: `arn:aws:iam::${ARCHIVE}:role/closed-ftp-bootstrap/closed-ftp-dev-preview` } },
            });
            await assert.rejects(planOnce("dev", mismatch), (err: unknown) => {
                assert.ok(err instanceof ConfigValidationError);
                assert.deepStrictEqual(err.issues.map((i) => i.path), ["closed-ftp:hub.deployRoleArn"]);
                assert.match(err.issues[0].message, new RegExp(`is arn:aws:iam::${HUB}:role/closed-ftp-deploy, but the bootstrap .* creates arn:aws:iam::${HUB}:role/closed-ftp-bootstrap/closed-ftp-dev-deploy in this account: leave deployRoleArn out`));
                return true;
            });
        });

        it("names CLOSED_FTP_CREDENTIALS when it holds anything but deploy or preview", () => {
            assert.throws(() => credentialsFrom("admin"), (err: unknown) => err instanceof ConfigValidationError && err.issues[0].path === "CLOSED_FTP_CREDENTIALS");
            assert.strictEqual(credentialsFrom(undefined), "deploy");
        });
    });
});
