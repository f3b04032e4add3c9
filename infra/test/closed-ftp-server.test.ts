import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { certificateProblem, ClosedFtpServer, ClosedFtpServerArgs } from "../closed-ftp-server";
import { buildIdpBundle } from "../../idp-lambda/build";
import { MockCertificate, MockCloud } from "../../plan/mock-cloud";
import { InProcessCloud, promiseOf } from "../../plan/mock-cloud/in-process";
import { revealSecrets } from "../../plan/mock-cloud";
import { ConfigValidationError } from "../config-error";
import { HUB_ACCOUNT, onMockCloud, parsePolicy, REGION } from "./harness";

const VPC = "vpc-0123456789abcdef0";
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];

function serverArgs(overrides: Partial<ClosedFtpServerArgs> = {}): ClosedFtpServerArgs {
    return {
        accountId: HUB_ACCOUNT, region: REGION, vpcId: VPC, subnetIds: SUBNETS, vpcCidrBlocks: ["10.80.0.0/16", "100.64.0.0/16"],
        allowedCidrs: ["10.10.0.0/16", "2001:db8::/32"], ...overrides,
    };
}

/** The hub VPC as the mock's look-ups see it: the server's endpoint has an interface in each subnet. */
const WORLD = { vpcs: { [VPC]: { cidrBlocks: ["10.80.0.0/16"], subnets: { [SUBNETS[0]]: "ap-northeast-1a", [SUBNETS[1]]: "ap-northeast-1c" } } } };
const CERTIFICATE = `arn:aws:acm:${REGION}:${HUB_ACCOUNT}:certificate/0c5f8f0e-1111-4222-8333-444455556666`;

async function deployServer(overrides: Partial<ClosedFtpServerArgs> = {}, certificates: Record<string, MockCertificate> = {}) {
    return onMockCloud(async ({ hub }) => {
        const server = new ClosedFtpServer("ftp", serverArgs(overrides), { provider: hub });
        return {
            serverId: await promiseOf(server.serverId),
            serverArn: await promiseOf(server.serverArn),
            vpcEndpointId: await promiseOf(server.vpcEndpointId),
            endpointDnsName: await promiseOf(server.endpointDnsName),
            idpRoleArn: await promiseOf(server.idpRoleArn),
            idpFunctionName: await promiseOf(server.idpFunctionName),
            secretPrefix: await promiseOf(server.secretPrefix),
            endpointPrivateIps: await promiseOf(server.endpointPrivateIps),
            endpointHostedZoneId: await promiseOf(server.endpointHostedZoneId),
        };
    }, { ...WORLD, certificates });
}

function ingressRules(cloud: MockCloud, securityGroupId: unknown) {
    return cloud.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === securityGroupId)
        .map((r) => `${r.inputs.ipProtocol} ${r.inputs.fromPort}-${r.inputs.toPort} ${r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6}`)
        .sort();
}

describe("ClosedFtpServer", () => {
    let run: Awaited<ReturnType<typeof deployServer>>;
    before(async () => {
        run = await deployServer();
    });

    it("admits FTP control 21 and passive 8192-8200 from the allowed CIDRs and nothing else", () => {
        const sg = run.cloud.find("aws:ec2/securityGroup:SecurityGroup", "ftp-sg");
        const server = run.cloud.find("aws:transfer/server:Server", "ftp");
        assert.deepStrictEqual((server.inputs.endpointDetails as { securityGroupIds: string[] }).securityGroupIds, [sg.state.id]);
        assert.deepStrictEqual(ingressRules(run.cloud, sg.state.id), [
            "tcp 21-21 10.10.0.0/16", "tcp 21-21 2001:db8::/32", "tcp 8192-8200 10.10.0.0/16", "tcp 8192-8200 2001:db8::/32",
        ]);
        assert.strictEqual(sg.inputs.ingress, undefined);
        assert.strictEqual(sg.inputs.egress, undefined);
    });

    it("runs the server as a VPC endpoint with the Lambda identity provider, passive AUTO and a current security policy", () => {
        const server = run.cloud.find("aws:transfer/server:Server", "ftp");
        const fn = run.cloud.find("aws:lambda/function:Function", "ftp-idp");
        assert.strictEqual(server.inputs.endpointType, "VPC");
        assert.deepStrictEqual((server.inputs.endpointDetails as Record<string, unknown>).subnetIds, SUBNETS);
        assert.strictEqual((server.inputs.endpointDetails as Record<string, unknown>).vpcId, VPC);
        assert.strictEqual((server.inputs.endpointDetails as Record<string, unknown>).addressAllocationIds, undefined);
        assert.strictEqual(server.inputs.identityProviderType, "AWS_LAMBDA");
        assert.strictEqual(server.inputs.function, fn.state.arn);
        assert.deepStrictEqual(server.inputs.protocols, ["FTP"]);
        assert.deepStrictEqual(server.inputs.protocolDetails, { passiveIp: "AUTO" });
        assert.match(String(server.inputs.securityPolicyName), /^TransferSecurityPolicy-20(2[4-9])-\d\d$/);
        assert.strictEqual(server.inputs.certificate, undefined);
    });

    it("sends structured logs to its own log group with retention, with no logging role (which would turn on legacy logging)", () => {
        const server = run.cloud.find("aws:transfer/server:Server", "ftp");
        const logGroup = run.cloud.find("aws:cloudwatch/logGroup:LogGroup", "ftp-transfer-logs");
        assert.deepStrictEqual(server.inputs.structuredLogDestinations, [`${logGroup.state.arn}:*`]);
        assert.strictEqual(logGroup.inputs.retentionInDays, 90);
        assert.strictEqual(server.inputs.loggingRole, undefined);
        // The only role is the IdP's: nothing holds log-delivery rights on "*".
        assert.deepStrictEqual(run.cloud.byType("aws:iam/role:Role").map((r) => r.name), ["ftp-idp-role"]);
        for (const policy of run.cloud.byType("aws:iam/rolePolicy:RolePolicy")) {
            for (const statement of parsePolicy(policy.inputs.policy).Statement) assert.notStrictEqual(statement.Resource, "*", policy.name);
        }
    });

    it("creates an STS and a Secrets Manager interface endpoint with private DNS, behind HTTPS from the VPC", () => {
        const endpoints = run.cloud.byType("aws:ec2/vpcEndpoint:VpcEndpoint");
        assert.deepStrictEqual(endpoints.map((e) => e.inputs.serviceName).sort(), [
            `com.amazonaws.${REGION}.secretsmanager`, `com.amazonaws.${REGION}.sts`,
        ]);
        const endpointSg = run.cloud.find("aws:ec2/securityGroup:SecurityGroup", "ftp-endpoints-sg");
        for (const endpoint of endpoints) {
            assert.strictEqual(endpoint.inputs.vpcEndpointType, "Interface");
            assert.strictEqual(endpoint.inputs.privateDnsEnabled, true);
            assert.strictEqual(endpoint.inputs.vpcId, VPC);
            assert.deepStrictEqual(endpoint.inputs.subnetIds, SUBNETS);
            assert.deepStrictEqual(endpoint.inputs.securityGroupIds, [endpointSg.state.id]);
        }
        // Every CIDR of the VPC: a subnet in the secondary CIDR reaches STS too.
        assert.deepStrictEqual(ingressRules(run.cloud, endpointSg.state.id), ["tcp 443-443 10.80.0.0/16", "tcp 443-443 100.64.0.0/16"]);
    });

    it("deploys the IdP Lambda from the freshly built bundle, VPC-attached, with a 10 s timeout", async () => {
        const fn = run.cloud.find("aws:lambda/function:Function", "ftp-idp");
        const bundle = buildIdpBundle();
        assert.strictEqual(fn.inputs.runtime, "nodejs24.x");
        assert.strictEqual(fn.inputs.handler, "index.handler");
        assert.strictEqual(fn.inputs.timeout, 10);
        const { assets } = fn.inputs.code as { assets: Record<string, { text: string }> };
        assert.deepStrictEqual(Object.keys(assets), ["index.js"]);
        assert.strictEqual(assets["index.js"].text, bundle.code);
        assert.strictEqual((fn.inputs.environment as { variables: Record<string, string> }).variables.IDP_BUNDLE_SHA256, bundle.sha256);
        const vpcConfig = fn.inputs.vpcConfig as { subnetIds: string[]; securityGroupIds: string[] };
        assert.deepStrictEqual(vpcConfig.subnetIds, SUBNETS);
        const idpSg = run.cloud.find("aws:ec2/securityGroup:SecurityGroup", "ftp-idp-sg");
        assert.deepStrictEqual(vpcConfig.securityGroupIds, [idpSg.state.id]);
        assert.deepStrictEqual((idpSg.inputs.egress as Record<string, unknown>[]).map((e) => `${e.protocol} ${e.fromPort}-${e.toPort} ${String(e.cidrBlocks)}`),
            ["tcp 443-443 10.80.0.0/16,100.64.0.0/16"]);
    });

    it("reserves the IdP's concurrency when asked, bounding what a spray of user names costs, and leaves the pool alone otherwise", async () => {
        assert.strictEqual(run.cloud.find("aws:lambda/function:Function", "ftp-idp").inputs.reservedConcurrentExecutions, undefined);
        const { cloud } = await deployServer({ idpReservedConcurrency: 5 });
        assert.strictEqual(cloud.find("aws:lambda/function:Function", "ftp-idp").inputs.reservedConcurrentExecutions, 5);
    });

    it("lets only this server invoke the IdP Lambda", () => {
        const permission = run.cloud.find("aws:lambda/permission:Permission", "ftp-idp-invoke");
        assert.strictEqual(permission.inputs.principal, "transfer.amazonaws.com");
        assert.strictEqual(permission.inputs.action, "lambda:InvokeFunction");
        assert.strictEqual(permission.inputs.sourceArn, run.result.serverArn);
        assert.strictEqual(permission.inputs.sourceAccount, HUB_ACCOUNT);
        assert.strictEqual(permission.inputs.function, run.result.idpFunctionName);
    });

    it("lets the IdP role read only this server's secrets", () => {
        const grant = parsePolicy(run.cloud.find("aws:iam/rolePolicy:RolePolicy", "ftp-idp-secrets").inputs.policy);
        assert.deepStrictEqual(grant.Statement.map((s) => s.Resource), [
            `arn:aws:secretsmanager:${REGION}:${HUB_ACCOUNT}:secret:aws/transfer/${run.result.serverId}/*`,
        ]);
    });

    it("outputs the server id and ARN, the endpoint's id and DNS name, the IdP role and the secret prefix", () => {
        const { result } = run;
        const server = run.cloud.find("aws:transfer/server:Server", "ftp");
        assert.strictEqual(result.serverId, server.state.id);
        assert.strictEqual(result.serverArn, server.state.arn);
        assert.strictEqual(result.vpcEndpointId, (server.state.endpointDetails as Record<string, string>).vpcEndpointId);
        assert.ok(result.endpointDnsName.startsWith(`${result.vpcEndpointId}-`), result.endpointDnsName);
        assert.strictEqual(result.idpRoleArn, run.cloud.find("aws:iam/role:Role", "ftp-idp-role").state.arn);
        assert.strictEqual(result.secretPrefix, `aws/transfer/${result.serverId}/`);
    });

    it("puts every child in the hub account and none on a default provider", () => {
        assert.deepStrictEqual(run.cloud.onDefaultProvider().map((r) => r.urn), []);
        const children = run.cloud.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        assert.ok(children.length >= 15, `expected the whole server, got ${children.length} resources`);
        for (const child of children) assert.strictEqual(run.cloud.accountOf(child), HUB_ACCOUNT, child.urn);
        for (const child of run.cloud.resources.filter((r) => !r.type.startsWith("pulumi:providers:") && r.name !== "ftp")) {
            assert.ok(child.name.startsWith("ftp-"), `child name ${child.name} is derived from the component name`);
        }
    });

    it("asks AWS nothing per call beyond resolving its own endpoint and its interfaces", () => {
        assert.deepStrictEqual(run.cloud.invokes.map((i) => i.token), ["aws:ec2/getVpcEndpoint:getVpcEndpoint", ...Array(SUBNETS.length).fill("aws:ec2/getNetworkInterface:getNetworkInterface")]);
    });

    it("gives the endpoint's private address in each zone, from its network interfaces, and the zone of its DNS name", () => {
        assert.deepStrictEqual(Object.keys(run.result.endpointPrivateIps), ["ap-northeast-1a", "ap-northeast-1c"]);
        Object.values(run.result.endpointPrivateIps).forEach((ip, i) => assert.match(ip, new RegExp(`^10\\.80\\.${i}\\.\\d+$`)));
        assert.match(run.result.endpointHostedZoneId, /^Z[A-Z0-9]+$/);
    });

    it("shows the banners before and after login, as Transfer takes them", async () => {
        const { cloud } = await deployServer({ preAuthenticationBanner: "Authorised partners only.", postAuthenticationBanner: "Files are kept 30 days.\nCall ops on failure." });
        const server = cloud.find("aws:transfer/server:Server", "ftp");
        assert.deepStrictEqual([server.inputs.preAuthenticationLoginBanner, server.inputs.postAuthenticationLoginBanner].map((b) => revealSecrets(b, true)), ["Authorised partners only.", "Files are kept 30 days.\nCall ops on failure."]);
        assert.strictEqual(run.cloud.find("aws:transfer/server:Server", "ftp").inputs.preAuthenticationLoginBanner, undefined);
    });

    it("carries Transfer's custom-hostname tags, the zone's only where the zone is the server's account's", async () => {
        const { cloud } = await deployServer({ customHostname: { name: "ftp.corp.example.com", route53HostedZoneId: "Z0123456789ABCDEFGHIJ" } });
        const tags = cloud.find("aws:transfer/server:Server", "ftp").inputs.tags as Record<string, string>;
        assert.deepStrictEqual([tags["transfer:customHostname"], tags["transfer:route53HostedZoneId"]], ["ftp.corp.example.com", "/hostedzone/Z0123456789ABCDEFGHIJ"]);
        const crossAccount = await deployServer({ customHostname: { name: "ftp.corp.example.com" } });
        const other = crossAccount.cloud.find("aws:transfer/server:Server", "ftp").inputs.tags as Record<string, string>;
        assert.deepStrictEqual([other["transfer:customHostname"], other["transfer:route53HostedZoneId"]], ["ftp.corp.example.com", undefined]);
    });

    it("serves FTPS under the private name when the certificate names it, a wildcard's one label included", async () => {
        for (const certificate of [{ domainName: "ftp.corp.example.com" }, { domainName: "corp.example.com", subjectAlternativeNames: ["corp.example.com", "*.corp.example.com"] }]) {
            const { cloud } = await deployServer({ protocols: ["FTPS"], certificateArn: CERTIFICATE, customHostname: { name: "ftp.corp.example.com" } }, { [CERTIFICATE]: certificate });
            assert.strictEqual(cloud.find("aws:transfer/server:Server", "ftp").inputs.certificate, CERTIFICATE);
            assert.ok(cloud.resources.some((r) => r.read && r.type === "aws:acm/certificate:Certificate"), "the certificate is read, not managed");
        }
    });

    it("refuses a certificate that does not name the private name, as the plan reads it back from the runner's log", () => {
        assert.strictEqual(certificateProblem(CERTIFICATE, ["corp.example.com", "*.corp.example.com"], "ftp.corp.example.com"), undefined);
        for (const names of [["sftp.corp.example.com"], ["*.example.com"], ["*.ftp.corp.example.com"], []]) {
            const refused = certificateProblem(CERTIFICATE, names, "ftp.corp.example.com");
            assert.ok(refused instanceof ConfigValidationError, names.join());
            assert.deepStrictEqual(refused.issues.map((i) => i.path), ["closed-ftp:server.certificateArn"]);
            assert.strictEqual(refused.issues[0].message, `certificate ${CERTIFICATE} names ${names.join(", ") || "nothing"}, not ftp.corp.example.com (closed-ftp:dns.recordName): FTPS clients would refuse it`);
            // Thrown in the server's certificate input, the runner logs it inside the engine's words, a stack trace after.
            const logged = `Error serializing arguments for invoke aws:ec2/getVpcEndpoint:getVpcEndpoint: ConfigValidationError: error serializing property "certificate": ${refused.message}\n    at <anonymous> (infra/closed-ftp-server.ts:265:27)`;
            assert.deepStrictEqual(ConfigValidationError.fromMessage(logged)?.issues, refused.issues);
        }
    });

    it("runs the IdP Lambda outside the VPC without a Secrets Manager endpoint when told to", async () => {
        const { cloud } = await deployServer({ idpVpcAttached: false });
        assert.deepStrictEqual(cloud.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name), ["ftp-sts"]);
        assert.strictEqual(cloud.find("aws:lambda/function:Function", "ftp-idp").inputs.vpcConfig, undefined);
        assert.deepStrictEqual(cloud.byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
    });

    it("serves FTPS with the given certificate", async () => {
        const certificateArn = `arn:aws:acm:${REGION}:${HUB_ACCOUNT}:certificate/0c5f8f0e-1111-4222-8333-444455556666`;
        const { cloud } = await deployServer({ protocols: ["FTP", "FTPS"], certificateArn });
        const server = cloud.find("aws:transfer/server:Server", "ftp");
        assert.deepStrictEqual(server.inputs.protocols, ["FTP", "FTPS"]);
        assert.strictEqual(server.inputs.certificate, certificateArn);
    });

    it("refuses FTPS without a certificate, and an empty allow list, naming the component", async () => {
        await InProcessCloud.install();
        assert.throws(() => new ClosedFtpServer("bad", serverArgs({ protocols: ["FTPS"] })), /ClosedFtpServer bad: .*FTPS.*certificateArn/);
        assert.throws(() => new ClosedFtpServer("bad", serverArgs({ allowedCidrs: [] })), /ClosedFtpServer bad: allowedCidrs is empty/);
        assert.throws(() => new ClosedFtpServer("bad", serverArgs({ allowedCidrs: ["10.1.0.0/16", "10.1.0.0/16"] })), /allowedCidrs lists 10\.1\.0\.0\/16 twice/);
    });

    it("lets two servers live side by side: no hard-coded child names", async () => {
        const { cloud } = await onMockCloud(({ hub }) => {
            const a = new ClosedFtpServer("a", serverArgs(), { provider: hub });
            const b = new ClosedFtpServer("b", serverArgs(), { provider: hub });
            return pulumi.all([a.serverId, b.serverId]);
        });
        const urns = cloud.resources.map((r) => r.urn);
        assert.strictEqual(new Set(urns).size, urns.length);
        assert.strictEqual(cloud.byType("aws:transfer/server:Server").length, 2);
    });

    it("names client rules by the CIDR they admit: inserting a CIDR adds its two rules and leaves every other rule as it was", async () => {
        const ruleOf = (cloud: MockCloud) => new Map(cloud.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const before = ruleOf(run.cloud);
        const inserted = await deployServer({ allowedCidrs: ["192.168.7.0/24", "10.10.0.0/16", "2001:db8::/32"] });
        const after = ruleOf(inserted.cloud);
        const added = [...after.keys()].filter((urn) => !before.has(urn));
        assert.deepStrictEqual(added.map((urn) => urn.split("::").pop()).sort(), ["ftp-ftp-192-168-7-0-24", "ftp-passive-192-168-7-0-24"]);
        for (const [urn, inputs] of before) assert.strictEqual(after.get(urn), inputs, `${urn} changed`);
    });

    it("spreads 100 IPv4 and 20 IPv6 client CIDRs over security groups within AWS's quotas", async () => {
        const ipv4 = Array.from({ length: 100 }, (_, i) => `10.${i}.0.0/16`);
        const ipv6 = Array.from({ length: 20 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
        const { cloud } = await deployServer({ allowedCidrs: [...ipv4, ...ipv6] });
        const server = cloud.find("aws:transfer/server:Server", "ftp");
        const groups = (server.inputs.endpointDetails as { securityGroupIds: string[] }).securityGroupIds;
        assert.strictEqual(groups.length, 4);
        assert.ok(groups.every((g) => ingressRules(cloud, g).filter((r) => !r.includes(":")).length <= 58), "one CIDR's room kept free in every group");
        for (const group of groups) {
            const rules = ingressRules(cloud, group);
            assert.ok(rules.filter((r) => !r.includes(":")).length <= 60 && rules.filter((r) => r.includes(":")).length <= 60, `${group}: ${rules.length} rules`);
        }
        assert.strictEqual(groups.flatMap((g) => ingressRules(cloud, g)).length, 240);
        assert.deepStrictEqual(cloud.violations, []);
    });

    it("keeps every group within 60 inbound rules per family while a CIDR is inserted at the front of a long list", async () => {
        const ruleGroups = (cloud: MockCloud) => new Map(cloud.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .map((r) => [r.name, cloud.byType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.state.id === r.inputs.securityGroupId)?.name]));
        const list = Array.from({ length: 60 }, (_, i) => `10.${i}.0.0/16`);
        const before = ruleGroups((await deployServer({ allowedCidrs: list })).cloud);
        const after = ruleGroups((await deployServer({ allowedCidrs: ["10.200.0.0/16", ...list] })).cloud);
        // A moved rule is created in its new group before it leaves the old one: count both.
        const peak = new Map<string, Set<string>>();
        for (const rules of [before, after]) for (const [rule, group] of rules) peak.set(String(group), (peak.get(String(group)) ?? new Set()).add(rule));
        for (const [group, rules] of peak) assert.ok(rules.size <= 60, `${group} peaks at ${rules.size} rules`);
        assert.deepStrictEqual([...peak.keys()].sort(), ["ftp-endpoints-sg", "ftp-sg", "ftp-sg-2", "ftp-sg-3"]);
        assert.strictEqual(peak.get("ftp-sg")?.size, 60, "the first group is full at the peak of the update, and no fuller");
    });

    it("refuses more client CIDRs of one family than 5 security groups hold, naming the number", async () => {
        await InProcessCloud.install();
        const tooMany = Array.from({ length: 146 }, (_, i) => `10.${Math.floor(i / 200)}.${i % 200}.0/24`);
        assert.throws(() => new ClosedFtpServer("big", serverArgs({ allowedCidrs: tooMany })), /146 ipv4 CIDRs; the server's endpoint admits at most 145/);
    });

    it("reuses the VPC's existing endpoints: reads them and creates no endpoint and no endpoint security group", async () => {
        const sts = "vpce-0123456789abcdef0";
        const { cloud } = await onMockCloud(({ hub }) => {
            const server = new ClosedFtpServer("ftp", serverArgs({ existingEndpointIds: { sts, secretsmanager: "vpce-0fedcba9876543210" } }), { provider: hub });
            return server.serverId;
        }, { vpcs: { [VPC]: { cidrBlocks: ["10.80.0.0/16"], subnets: {}, endpoints: {
            sts: { privateDnsEnabled: true, id: sts }, secretsmanager: { privateDnsEnabled: true, id: "vpce-0fedcba9876543210" },
        } } } });
        assert.deepStrictEqual(cloud.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => [e.name, e.read, e.state.id]).sort(), [
            ["ftp-secretsmanager", true, "vpce-0fedcba9876543210"], ["ftp-sts", true, sts],
        ]);
        assert.throws(() => cloud.find("aws:ec2/securityGroup:SecurityGroup", "ftp-endpoints-sg"), /no aws:ec2\/securityGroup:SecurityGroup named "ftp-endpoints-sg"/);
        const server = cloud.find("aws:transfer/server:Server", "ftp");
        // That the server waits for the endpoint (a dependency) is seen on the wire: stacks/test/program.test.ts.
        // Reads never reach a policy pack: the server names the endpoint it relies on for the STS guardrail.
        assert.deepStrictEqual(server.inputs.tags, { Name: "closed-ftp-test-ftp", "closed-ftp:reused-sts-endpoint": sts });
    });
});
