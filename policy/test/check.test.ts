import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan } from "../check";
import { RunningPack, startPolicyPack, Violation } from "../runner";
import { GUARDRAILS } from "../policies";
import { PlanDocument, PlanResource } from "../../plan/format";
import { readStackFile, renderPlan } from "../../plan/plan";
import { planOnce, withNetwork } from "../../plan/test/plans";

const ROOT = path.resolve(__dirname, "..", "..");

function find(plan: PlanDocument, type: string, name?: string): PlanResource {
    const found = plan.resources.find((r) => r.type === type && (name === undefined || r.name === name));
    assert.ok(found, `no ${type} ${name ?? ""}`);
    return found;
}

function mutated(plan: PlanDocument, change: (p: PlanDocument) => void): PlanDocument {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanDocument;
    change(copy);
    return copy;
}

const withPolicyAt = (r: PlanResource, property: string, edit: (doc: { Statement: Record<string, unknown>[] }) => void) => {
    const doc = JSON.parse(String(r.inputs[property]));
    edit(doc);
    r.inputs[property] = JSON.stringify(doc);
};
const withPolicy = (r: PlanResource, edit: (doc: { Statement: Record<string, unknown>[] }) => void) => withPolicyAt(r, "policy", edit);

/** A resource someone added to the plan, in the hub account. */
function extra(plan: PlanDocument, type: string, name: string, inputs: Record<string, unknown>): PlanResource {
    const hub = find(plan, "pulumi:providers:aws", "hub");
    return { urn: `urn:pulumi:dev::closed-ftp::${type}::${name}`, type, name, custom: true, parent: null, provider: hub.urn, inputs, state: {}, dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false };
}

describe("the guardrail pack under Pulumi's runner, over the Analyzer protocol", () => {
    let dev: PlanDocument;
    let pack: RunningPack | undefined;
    // One pack for the whole file, started as `pulumi preview --policy-pack policy` starts it.
    const violationsOf = async (plan: PlanDocument): Promise<Violation[]> => (await checkPlan(plan, pack as RunningPack)).violations;
    before(async () => {
        const run = await planOnce("dev", readStackFile("dev", ROOT));
        dev = JSON.parse(JSON.stringify(renderPlan(run.document, false)));
        pack = await startPolicyPack();
    });
    after(async () => {
        await pack?.stop();
    });

    it("loads from policy/ under cmd/run-policy-pack and lists every policy with its enforcement level (GetAnalyzerInfo)", async () => {
        const info = await (pack as RunningPack).info();
        assert.strictEqual(info.name, "closed-ftp-guardrails");
        assert.deepStrictEqual(info.policies.map((p) => [p.name, p.enforcementLevel]).sort(), GUARDRAILS.map((p) => [p.name, p.enforcementLevel]).sort());
        assert.ok(info.policies.length >= 9 && info.policies.every((p) => p.enforcementLevel === "mandatory"));
    });

    it("needs its own tsconfig.json: without it the runner's ts-node loses the strict settings and the pack does not load", async () => {
        // A copy of the pack beside the real one (so node_modules resolve), without policy/tsconfig.json.
        const copy = fs.mkdtempSync(path.join(ROOT, ".policy-copy-"));
        try {
            for (const entry of ["index.ts", "policies", "package.json", "PulumiPolicy.yaml"]) fs.cpSync(path.join(ROOT, "policy", entry), path.join(copy, entry), { recursive: true });
            await assert.rejects(startPolicyPack(copy), /exited .* before serving[\s\S]*TSError: ⨯ Unable to compile TypeScript/);
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    });

    it("passes the dev stack's plan through Analyze and AnalyzeStack", async () => {
        assert.deepStrictEqual(await checkPlan(dev, pack as RunningPack), { violations: [], undecided: [] });
    });

    describe("a first preview, where every value the cloud computes is unknown", () => {
        let firstPreview: PlanDocument;
        before(async () => {
            const run = await planOnce("dev", readStackFile("dev", ROOT), { firstPreview: true });
            firstPreview = JSON.parse(JSON.stringify(renderPlan(run.document, false)));
        });

        it("decides what is known, and names each policy that could not decide and for which resource", async () => {
            const { violations, undecided } = await checkPlan(firstPreview, pack as RunningPack);
            assert.deepStrictEqual(violations, []);
            const byPolicy = (name: string) => undecided.filter((u) => u.policy === name).map((u) => u.urn.split("::").pop()).sort();
            // The bucket policies and grants render from role ids and ARNs the cloud has not made yet.
            assert.deepStrictEqual(byPolicy("cross-account-grant-names-the-role"), ["bucket-analytics-drop", "bucket-archive-drop", "bucket-inbox"]);
            assert.ok(byPolicy("no-wildcard-grants").includes("bucket-inbox-grant"), JSON.stringify(undecided));
            for (const u of undecided) assert.match(u.reason, /can't run policy '.+' .* during preview: .+ can't be known during preview/);
            // Security groups, endpoints and the server are decided on what a first preview knows.
            for (const decided of ["no-world-ingress", "ftp-security-group-ports", "sts-endpoint-for-transfer-vpc", "transfer-server-vpc-endpoint", "no-internet-path"]) {
                assert.deepStrictEqual(byPolicy(decided), [], decided);
            }
        });

        it("still refuses what it can see: a public endpoint or SSH on the FTP group", async () => {
            const publicEndpoint = await violationsOf(mutated(firstPreview, (p) => (find(p, "aws:transfer/server:Server").inputs.endpointType = "PUBLIC")));
            assert.deepStrictEqual([...new Set(publicEndpoint.map((v) => v.policy))], ["transfer-server-vpc-endpoint"]);
            const ssh = await violationsOf(mutated(firstPreview, (p) => Object.assign(find(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ftp-passive-10-10-0-0-16").inputs, { fromPort: 22, toPort: 22 })));
            assert.deepStrictEqual([...new Set(ssh.map((v) => v.policy))], ["ftp-security-group-ports"]);
        });
    });

    it("passes a plan that builds a new isolated VPC, and one that reuses the VPC's STS endpoint", async () => {
        const stack = readStackFile("dev", ROOT);
        const allowedCidrs = JSON.parse(stack.config["closed-ftp:network"]).allowedCidrs;
        const fresh = await planOnce("dev", withNetwork(stack, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"], allowedCidrs }));
        assert.deepStrictEqual(await violationsOf(JSON.parse(JSON.stringify(renderPlan(fresh.document, false)))), []);
        const network = { ...JSON.parse(stack.config["closed-ftp:network"]), existingEndpoints: ["sts"] };
        const reused = await planOnce("dev", { ...stack, config: { ...stack.config, "closed-ftp:network": JSON.stringify(network) } });
        assert.deepStrictEqual(await violationsOf(JSON.parse(JSON.stringify(renderPlan(reused.document, false)))), []);
    });

    it("passes a reused STS endpoint as a real preview sees it, without the read (reads never reach a policy pack), and refuses a forged tag", async () => {
        const stack = readStackFile("dev", ROOT);
        const network = { ...JSON.parse(stack.config["closed-ftp:network"]), existingEndpoints: ["sts"] };
        const reused: PlanDocument = JSON.parse(JSON.stringify(renderPlan((await planOnce("dev", { ...stack, config: { ...stack.config, "closed-ftp:network": JSON.stringify(network) } })).document, false)));
        assert.ok(reused.resources.some((r) => r.read && r.name === "ftp-sts"), "the plan reads the endpoint");
        assert.deepStrictEqual(await violationsOf(reused), []);
        const forged = await violationsOf(mutated(reused, (p) => (find(p, "aws:transfer/server:Server").inputs.tags = { "closed-ftp:reused-sts-endpoint": "none" })));
        assert.deepStrictEqual([...new Set(forged.map((v) => v.policy))], ["sts-endpoint-for-transfer-vpc"]);
    });

    it("refuses a Transfer VPC with no STS endpoint at all, created or reused", async () => {
        const violations = await violationsOf(mutated(dev, (p) => (p.resources = p.resources.filter((r) => !(r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.name === "ftp-sts")))));
        assert.deepStrictEqual([...new Set(violations.map((v) => v.policy))], ["sts-endpoint-for-transfer-vpc"]);
    });

    const IDP = "ftp-idp-invoke";
    const permission = (p: PlanDocument) => find(p, "aws:lambda/permission:Permission", IDP);
    /** A literal in place of a value that came from a resource: the dependency goes with the value. */
    const literal = (r: PlanResource, key: string, value: unknown) => {
        for (const values of [r.inputs, r.state]) {
            if (value === undefined) delete values[key];
            else values[key] = value;
        }
        delete r.propertyDependencies[key];
    };
    const statement = (s: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-inbox-70ae86c/*", ...s }] });
    const breaks: [string, (p: PlanDocument) => void, string | string[]][] = [
        ["a public Transfer endpoint", (p) => (find(p, "aws:transfer/server:Server").inputs.endpointType = "PUBLIC"), "transfer-server-vpc-endpoint"],
        ["Elastic IPs on the server", (p) => ((find(p, "aws:transfer/server:Server").inputs.endpointDetails as Record<string, unknown>).addressAllocationIds = ["eipalloc-1"]), "transfer-server-vpc-endpoint"],
        ["a service-managed FTP server", (p) => (find(p, "aws:transfer/server:Server").inputs.identityProviderType = "SERVICE_MANAGED"), "ftp-custom-identity-provider"],
        ["FTP open to the world", (p) => (find(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ftp-ftp-10-10-0-0-16").inputs.cidrIpv4 = "0.0.0.0/0"), "no-world-ingress"],
        ["SSH on the FTP security group", (p) => Object.assign(find(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ftp-passive-10-10-0-0-16").inputs, { fromPort: 22, toPort: 22 }), "ftp-security-group-ports"],
        ["no STS endpoint", (p) => (p.resources = p.resources.filter((r) => r.name !== "ftp-sts")), "sts-endpoint-for-transfer-vpc"],
        ["STS endpoint without private DNS", (p) => (find(p, "aws:ec2/vpcEndpoint:VpcEndpoint", "ftp-sts").inputs.privateDnsEnabled = false), "sts-endpoint-for-transfer-vpc"],
        ["a bucket without its public access block", (p) => (p.resources = p.resources.filter((r) => !(r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" && r.name === "bucket-archive-drop"))), "bucket-closed-and-owned"],
        ["a bucket owned by the writer", (p) => (find(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bucket-inbox").inputs.rule = { objectOwnership: "ObjectWriter" }), "bucket-closed-and-owned"],
        ["a bucket without the TLS deny", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-inbox"), (d) => (d.Statement = d.Statement.filter((s) => s.Effect !== "Deny"))), "bucket-closed-and-owned"],
        // The hub's root in a spoke's policy with no aws:userId: both the bucket rule and the principal rule name it.
        ["a spoke grant without the RoleId condition", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-archive-drop"), (d) => d.Statement.filter((s) => s.Effect === "Allow").forEach((s) => delete s.Condition)), ["cross-account-grant-names-the-role", "principals-are-pinned"]],
        ["s3:* on the access role", (p) => withPolicy(find(p, "aws:iam/rolePolicy:RolePolicy", "bucket-inbox-grant"), (d) => (d.Statement[0].Action = "s3:*")), "no-wildcard-grants"],
        ["Secrets Manager on Resource *", (p) => withPolicy(find(p, "aws:iam/rolePolicy:RolePolicy", "ftp-idp-secrets"), (d) => (d.Statement[0].Resource = "*")), "no-wildcard-grants"],
        ["an internet gateway in the hub", (p) => p.resources.push(extra(p, "aws:ec2/internetGateway:InternetGateway", "igw", { vpcId: "vpc-0123456789abcdef0" })), "no-internet-path"],
        ["a NAT gateway", (p) => p.resources.push(extra(p, "aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-0aaaaaaaaaaaaaaaa" })), "no-internet-path"],
        ["a default route", (p) => p.resources.push(extra(p, "aws:ec2/route:Route", "default", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", transitGatewayId: "tgw-1" })), "no-internet-path"],
        ["an IPv6 default route inside a route table", (p) => p.resources.push(extra(p, "aws:ec2/routeTable:RouteTable", "rt", { vpcId: "vpc-1", routes: [{ ipv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-1" }] })), "no-internet-path"],
        ["an awsx VPC", (p) => p.resources.push(extra(p, "awsx:ec2:Vpc", "network", { cidrBlock: "10.80.0.0/16" })), "no-internet-path"],
        // principals-are-pinned: trust and resource policies, inline or their own resource, JSON text or object.
        ["a role any AWS principal may assume", (p) => withPolicyAt(find(p, "aws:iam/role:Role", "bucket-inbox-access"), "assumeRolePolicy", (d) => { d.Statement[0].Principal = { AWS: "*" }; delete d.Statement[0].Condition; }), "principals-are-pinned"],
        ["a role trust of Transfer without aws:SourceAccount", (p) => withPolicyAt(find(p, "aws:iam/role:Role", "bucket-archive-drop-access"), "assumeRolePolicy", (d) => delete d.Statement[0].Condition), "principals-are-pinned"],
        ["the IdP role's Lambda trust without aws:SourceAccount, as an object", (p) => {
            const role = find(p, "aws:iam/role:Role", "ftp-idp-role");
            const doc = JSON.parse(String(role.inputs.assumeRolePolicy));
            delete doc.Statement[0].Condition;
            role.inputs.assumeRolePolicy = doc;
        }, "principals-are-pinned"],
        ["a new role trusting a foreign account's root", (p) => p.resources.push(extra(p, "aws:iam/role:Role", "backdoor", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] }) })), "principals-are-pinned"],
        ["a new role trusting a foreign account's role", (p) => p.resources.push(extra(p, "aws:iam/role:Role", "backdoor", { assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::999999999999:role/ci"] }, Action: "sts:AssumeRole" }] } })), "principals-are-pinned"],
        ["a bucket policy that admits everyone to read", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-inbox"), (d) => d.Statement.push({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-inbox-70ae86c/*" })), "principals-are-pinned"],
        ["a bucket policy granting a service without a source condition", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-inbox"), (d) => d.Statement.push({ Sid: "Logs", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::bucket-inbox-70ae86c/*" })), "principals-are-pinned"],
        ["a key policy admitting a foreign account", (p) => withPolicy(find(p, "aws:kms/key:Key", "bucket-analytics-drop"), (d) => d.Statement.push({ Sid: "Foreign", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:Decrypt", Resource: "*" })), "principals-are-pinned"],
        ["a key policy letting the hub's every role use the key", (p) => withPolicy(find(p, "aws:kms/key:Key", "bucket-analytics-drop"), (d) => d.Statement.filter((s) => s.Sid === "HubAccessRoleUsesKeyThroughS3").forEach((s) => delete s.Condition)), "principals-are-pinned"],
        ["a separate key policy that admits everyone", (p) => p.resources.push(extra(p, "aws:kms/keyPolicy:KeyPolicy", "open-key", { keyId: "k", policy: JSON.stringify(statement({ Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" })) })), "principals-are-pinned"],
        ["a secret policy resource that admits everyone", (p) => p.resources.push(extra(p, "aws:secretsmanager/secretPolicy:SecretPolicy", "open-secret", { secretArn: "arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:x", policy: statement({ Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }) })), "principals-are-pinned"],
        ["a user secret's inline policy naming a foreign role", (p) => (find(p, "aws:secretsmanager/secret:Secret", "user-user1").inputs.policy = JSON.stringify(statement({ Principal: { AWS: "arn:aws:iam::999999999999:role/reader" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }))), "principals-are-pinned"],
        ["an STS endpoint policy open to every principal", (p) => (find(p, "aws:ec2/vpcEndpoint:VpcEndpoint", "ftp-sts").inputs.policy = JSON.stringify(statement({ Principal: "*", Action: "sts:AssumeRole", Resource: "*" }))), "principals-are-pinned"],
        ["a log resource policy for a service without a source condition", (p) => p.resources.push(extra(p, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "logs", { policyName: "x", policyDocument: JSON.stringify(statement({ Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "logs:PutLogEvents", Resource: "*" })) })), "principals-are-pinned"],
        ["a provider that pins a second account, widening the estate", (p) => (find(p, "pulumi:providers:aws", "hub").inputs.allowedAccountIds = JSON.stringify(["111111111111", "999999999999"])), "principals-are-pinned"],
        ["a function resource policy that lets everyone invoke the IdP", (p) => p.resources.push(extra(p, "aws:lambda/resourcePolicy:ResourcePolicy", "rp", { resourceArn: "arn:aws:lambda:ap-northeast-1:111111111111:function:ftp-idp-ec20575", policy: JSON.stringify(statement({ Principal: "*", Action: "lambda:InvokeFunction", Resource: "*" })) })), "principals-are-pinned"],
        ["a KMS grant to a foreign role", (p) => p.resources.push(extra(p, "aws:kms/grant:Grant", "g", { keyId: "k", granteePrincipal: "arn:aws:iam::999999999999:role/reader", operations: ["Decrypt"] })), "principals-are-pinned"],
        ["a bucket policy pinned by a condition that pins nothing", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-inbox"), (d) => d.Statement.push({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-inbox-70ae86c/*", Condition: { StringLike: { "aws:PrincipalArn": "*" } } })), "principals-are-pinned"],
        ["a Transfer trust for the attacker's own account", (p) => withPolicyAt(find(p, "aws:iam/role:Role", "bucket-inbox-access"), "assumeRolePolicy", (d) => (d.Statement[0].Condition = { StringEquals: { "aws:SourceAccount": "999999999999" } })), "principals-are-pinned"],
        // lambda-invokers-pinned: the identity provider's permission and URLs.
        ["the IdP named by partial ARN and invocable by a foreign role", (p) => { literal(permission(p), "function", "111111111111:function:ftp-idp-ec20575"); literal(permission(p), "principal", "arn:aws:iam::999999999999:role/x"); }, "lambda-invokers-pinned"],
        ["the IdP named through another resource's output", (p) => {
            literal(permission(p), "principal", "events.amazonaws.com");
            // The function's name is the IdP's, but its dependency points elsewhere: the value decides.
            permission(p).propertyDependencies.function = [find(p, "aws:iam/role:Role", "bucket-inbox-access").urn];
        }, "lambda-invokers-pinned"],
        ["a function URL on the IdP's qualified ARN", (p) => p.resources.push(extra(p, "aws:lambda/functionUrl:FunctionUrl", "idp-url", { functionName: "arn:aws:lambda:ap-northeast-1:111111111111:function:closed-ftp-dev-idp:live", authorizationType: "AWS_IAM" })), "lambda-invokers-pinned"],
        ["the IdP invocable by everyone", (p) => literal(permission(p), "principal", "*"), "lambda-invokers-pinned"],
        ["the IdP invocable by Transfer for any server", (p) => { literal(permission(p), "sourceArn", undefined); literal(permission(p), "sourceAccount", undefined); }, "lambda-invokers-pinned"],
        ["the IdP invocable by Transfer for another server", (p) => literal(permission(p), "sourceArn", "arn:aws:transfer:ap-northeast-1:111111111111:server/s-00000000000000000"), "lambda-invokers-pinned"],
        ["the IdP invocable by another service", (p) => literal(permission(p), "principal", "events.amazonaws.com"), "lambda-invokers-pinned"],
        ["the IdP invocable by a whole account", (p) => literal(permission(p), "principal", "222222222222"), "lambda-invokers-pinned"],
        ["a function URL on the IdP", (p) => p.resources.push({ ...extra(p, "aws:lambda/functionUrl:FunctionUrl", "idp-url", { functionName: "closed-ftp-dev-idp", authorizationType: "AWS_IAM" }) }), "lambda-invokers-pinned"],
        ["an open function URL", (p) => p.resources.push(extra(p, "aws:lambda/functionUrl:FunctionUrl", "open-url", { functionName: "other", authorizationType: "NONE" })), "lambda-invokers-pinned"],
        // aws-managed-policies-allow-listed: attachments in each form.
        ["AdministratorAccess on the IdP role", (p) => (find(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ftp-idp-vpc").inputs.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess"), "aws-managed-policies-allow-listed"],
        ["ReadOnlyAccess inline on an access role", (p) => (find(p, "aws:iam/role:Role", "bucket-inbox-access").inputs.managedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]), "aws-managed-policies-allow-listed"],
        ["PowerUserAccess through a policy attachment", (p) => p.resources.push(extra(p, "aws:iam/policyAttachment:PolicyAttachment", "power", { policyArn: "arn:aws:iam::aws:policy/PowerUserAccess", roles: ["r"] })), "aws-managed-policies-allow-listed"],
        ["AmazonS3FullAccess through an exclusive attachment list", (p) => p.resources.push(extra(p, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "s3", { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] })), "aws-managed-policies-allow-listed"],
        // no-inverted-grants and no-wildcard-grants on customer-managed policies, inline and separate.
        ["NotResource in the access role's grant", (p) => withPolicy(find(p, "aws:iam/rolePolicy:RolePolicy", "bucket-inbox-grant"), (d) => { d.Statement[1].NotResource = d.Statement[1].Resource; delete d.Statement[1].Resource; }), "no-inverted-grants"],
        ["NotAction in a customer-managed policy, as an object", (p) => p.resources.push(extra(p, "aws:iam/policy:Policy", "cm", { policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::x" }] } })), "no-inverted-grants"],
        ["NotPrincipal in a bucket policy's Allow", (p) => withPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-inbox"), (d) => d.Statement.push({ Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:role/x" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-inbox-70ae86c/*" })), "no-inverted-grants"],
        ["NotAction in a role's inline policy", (p) => (find(p, "aws:iam/role:Role", "bucket-inbox-access").inputs.inlinePolicies = [{ name: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "s3:DeleteObject", Resource: "arn:aws:s3:::x/*" }] }) }]), "no-inverted-grants"],
        ["s3:* in a customer-managed policy", (p) => p.resources.push(extra(p, "aws:iam/policy:Policy", "cm", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::x" }] }) })), "no-wildcard-grants"],
        ["secretsmanager on * in a user policy", (p) => p.resources.push(extra(p, "aws:iam/userPolicy:UserPolicy", "up", { user: "u", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }) })), "no-wildcard-grants"],
        // client-ranges-closed: the set of client ranges, and each range's width.
        ["a client range wider than /8", (p) => (find(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ftp-ftp-10-10-0-0-16").inputs.cidrIpv4 = "10.0.0.0/7"), "client-ranges-closed"],
        ["an IPv6 client range wider than /32", (p) => p.resources.push(extra(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "v6", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 21, toPort: 21, cidrIpv6: "2001:db8::/31" })), "client-ranges-closed"],
        ["256 client /8s that are the whole IPv4 internet", (p) => p.resources.push(extra(p, "aws:ec2/securityGroup:SecurityGroup", "pieces", { vpcId: "vpc-0123456789abcdef0", ingress: [{ protocol: "tcp", fromPort: 21, toPort: 21, cidrBlocks: Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`) }] })), "client-ranges-closed"],
        ["the public internet in /8s, private ranges left out", (p) => p.resources.push(extra(p, "aws:ec2/securityGroup:SecurityGroup", "pieces", { vpcId: "vpc-0123456789abcdef0", ingress: [{ protocol: "tcp", fromPort: 21, toPort: 21, cidrBlocks: Array.from({ length: 223 }, (_, i) => `${i + 1}.0.0.0/8`).filter((c) => !["10.0.0.0/8", "127.0.0.0/8"].includes(c)) }] })), "client-ranges-closed"],
        ["an unprotected bucket", (p) => (find(p, "aws:s3/bucket:Bucket", "bucket-inbox").protect = false), "data-is-protected"],
        ["an unprotected bucket policy (deleted before the protected bucket)", (p) => (find(p, "aws:s3/bucketPolicy:BucketPolicy", "bucket-archive-drop").protect = false), "data-is-protected"],
        ["an unprotected versioning (its delete suspends versioning)", (p) => (find(p, "aws:s3/bucketVersioning:BucketVersioning", "bucket-inbox").protect = false), "data-is-protected"],
        ["an unprotected KMS key", (p) => (find(p, "aws:kms/key:Key", "bucket-analytics-drop").protect = false), "data-is-protected"],
        ["a plan from before protect was recorded", (p) => delete (find(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket-inbox") as Partial<PlanResource>).protect, "data-is-protected"],
    ];
    for (const [what, change, policy] of breaks) {
        it(`refuses ${what}, naming ${policy} and the resource`, async () => {
            const violations = await violationsOf(mutated(dev, change));
            assert.ok(violations.length > 0, "no violation");
            assert.deepStrictEqual([...new Set(violations.map((v) => v.policy))].sort(), [policy].flat(), JSON.stringify(violations, null, 2));
            assert.ok(violations.every((v) => v.enforcementLevel === "mandatory" && v.urn.startsWith("urn:pulumi:dev::closed-ftp::")));
        });
    }

    it("exits 0 on a clean plan, 1 naming policy and resource on a violation, 2 on bad input; with --strict, 1 on an undecided check", async () => {
        const firstPreview = JSON.parse(JSON.stringify(renderPlan((await planOnce("dev", readStackFile("dev", ROOT), { firstPreview: true })).document, false)));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-policy-"));
        const clean = path.join(dir, "clean.json");
        const bad = path.join(dir, "bad.json");
        fs.writeFileSync(clean, JSON.stringify(dev));
        fs.writeFileSync(bad, JSON.stringify(mutated(dev, breaks[0][1])));
        fs.writeFileSync(path.join(dir, "junk.json"), "{\"not\": \"a plan\"}");
        const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
        // Each run starts the pack under Pulumi's runner: started all at once, they overlap.
        const cli = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn(tsx, [path.join(ROOT, "policy", "check.ts"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
            child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
        // A plan written without npm's --silent: its header first.
        fs.writeFileSync(path.join(dir, "noisy.json"), `\n> closed-ftp@0.1.0 plan\n> tsx plan/cli.ts --stack dev --json\n\n${JSON.stringify(dev)}`);
        fs.writeFileSync(path.join(dir, "first.json"), JSON.stringify(firstPreview));
        const [ok, refused, junk, none, noisy, lenient, strict, strictClean] = await Promise.all([
            cli(["--plan", clean]), cli(["--plan", bad]), cli(["--plan", path.join(dir, "junk.json")]), cli([]), cli(["--plan", path.join(dir, "noisy.json")]),
            cli(["--plan", path.join(dir, "first.json")]), cli(["--plan", path.join(dir, "first.json"), "--strict"]), cli(["--plan", clean, "--strict"]),
        ]);
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.match(ok.stdout, /0 violations: \d+ resources checked against 15 policies by the pack under Pulumi's runner/);
        assert.strictEqual(refused.status, 1);
        assert.match(refused.stdout, /MANDATORY transfer-server-vpc-endpoint: urn:pulumi:dev::closed-ftp::closed-ftp:index:ClosedFtpServer\$aws:transfer\/server:Server::ftp/);
        assert.strictEqual(junk.status, 2);
        assert.match(junk.stderr, /not an offline plan document/);
        assert.strictEqual(none.status, 2);
        assert.strictEqual(noisy.status, 2);
        assert.match(noisy.stderr, /starts with npm's script header, not JSON: write it with npm run --silent plan/);
        assert.strictEqual(lenient.status, 0, lenient.stdout);
        assert.match(lenient.stdout, /UNDECIDED principals-are-pinned/);
        assert.strictEqual(strict.status, 1, strict.stdout);
        assert.match(strict.stdout, /--strict: \d+ check\(s\) could not decide on unknown values/);
        assert.strictEqual(strictClean.status, 0);
    });
});
