import * as assert from "assert";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as g from "../policies";
import { principalProblems } from "../policies/principals";
import { coversEverything } from "../policies/client-ranges";
import { DATA_HOLDING_TYPES } from "../../infra/model";

// Small args helpers, as pulumi-policy-aws's tests do: call a policy's validate function directly.
function resourceViolations(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, opts: Record<string, unknown> = {}): string[] {
    const messages: string[] = [];
    const validate = policy.validateResource as (args: unknown, report: (m: string) => void) => void;
    validate({ type, props, urn: `urn:pulumi:t::p::${type}::r`, name: "r", opts, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("n/a"); } }, (m) => messages.push(m));
    return messages;
}

interface R { type: string; name: string; props: Record<string, unknown>; deps?: Record<string, string[]> }
function stackViolations(policy: StackValidationPolicy, list: R[]): string[] {
    const resources = list.map((r) => ({ type: r.type, name: r.name, urn: `urn:${r.name}`, props: r.props, propertyDependencies: {} as Record<string, PolicyResource[]>, dependencies: [] })) as unknown as PolicyResource[];
    list.forEach((r, i) => {
        for (const [k, names] of Object.entries(r.deps ?? {})) resources[i].propertyDependencies[k] = names.map((n) => resources.find((x) => x.name === n) as PolicyResource);
    });
    const messages: string[] = [];
    (policy.validateStack as (a: unknown, report: (m: string, urn?: string) => void) => void)({ resources, stackTags: new Map(), getConfig: () => ({}) }, (m, urn) => messages.push(`${urn}: ${m}`));
    return messages;
}

const SERVER = "aws:transfer/server:Server";
const tls = { Sid: "DenyWithoutTls", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } };

describe("guardrail policies", () => {
    it("principals-are-pinned: reads who a statement admits, and what pins it", () => {
        const estate = new Set(["111111111111", "222222222222"]);
        const own = { own: "222222222222", estate };
        const allow = (s: Record<string, unknown>) => principalProblems({ Effect: "Allow", Action: "s3:GetObject", ...s }, own);
        assert.deepStrictEqual(allow({ Principal: { AWS: "arn:aws:iam::222222222222:root" } }), [], "the resource's own account root");
        assert.deepStrictEqual(allow({ Principal: { AWS: "arn:aws:iam::111111111111:role/etl" } }), [], "a named role of the estate");
        assert.deepStrictEqual(allow({ Principal: { AWS: "arn:aws:iam::111111111111:root" }, Condition: { StringLike: { "aws:userId": "AROAX:*" } } }), []);
        assert.match(allow({ Principal: { AWS: "arn:aws:iam::111111111111:root" } })[0], /every principal of account 111111111111/);
        assert.match(allow({ Principal: { AWS: "111111111111" } })[0], /every principal of account 111111111111/);
        assert.match(allow({ Principal: { AWS: "arn:aws:sts::999999999999:assumed-role/x/y" } })[0], /outside this estate/);
        assert.deepStrictEqual(allow({ Principal: { AWS: "arn:aws:iam::999999999999:role/x" }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }), []);
        // Conditions that name a pinning key but pin nothing.
        for (const condition of [
            { StringLike: { "aws:PrincipalArn": "*" } }, { Null: { "aws:PrincipalOrgID": "false" } }, { StringNotEquals: { "aws:PrincipalAccount": "000000000000" } },
            { StringLike: { "aws:userId": "*" } }, { StringEqualsIfExists: { "aws:userId": "AROAX:*" } }, { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/x" } },
            { StringEquals: { "aws:PrincipalAccount": "999999999999" } }, { StringEquals: { "aws:SourceArn": "arn:aws:transfer:ap-northeast-1:999999999999:server/s-1", "aws:SourceAccount": "999999999999" } },
        ]) assert.match(allow({ Principal: "*", Condition: condition })[0] ?? "", /every AWS principal/, JSON.stringify(condition));
        assert.match(allow({ Principal: { Service: "transfer.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "999999999999" } } })[0], /naming an account of this estate/, "the attacker's own Transfer");
        assert.match(allow({ Principal: { Service: "transfer.amazonaws.com" }, Condition: { StringLike: { "aws:SourceAccount": "*" } } })[0], /naming an account of this estate/);
        assert.match(allow({ Principal: { AWS: "AROAABCDEFGHIJKLMNOPQ" } })[0], /names no account/);
        assert.match(allow({ Principal: "*" })[0], /every AWS principal/);
        assert.match(allow({ Principal: { AWS: ["*"] } })[0], /every AWS principal/);
        assert.match(allow({ Principal: "*", Condition: { StringEquals: { "aws:SourceArn": "arn:x" } } })[0], /every AWS principal/, "SourceArn alone does not pin");
        assert.deepStrictEqual(allow({ Principal: "*", Condition: { StringEquals: { "aws:SourceArn": "arn:aws:transfer:ap-northeast-1:111111111111:server/s-1", "aws:SourceAccount": "111111111111" } } }), []);
        assert.match(allow({ Principal: { Service: "transfer.amazonaws.com" } })[0], /without an aws:SourceAccount or aws:SourceArn condition/);
        // The two grants no condition can pin, and only in their narrowest form and place.
        const ec2Trust = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
        const role = { ...own, type: "aws:iam/role:Role", property: "assumeRolePolicy" };
        assert.deepStrictEqual(principalProblems(ec2Trust, role), [], "an instance profile's role");
        assert.match(principalProblems({ ...ec2Trust, Action: ["sts:AssumeRole", "sts:TagSession"] }, role)[0], /without an aws:SourceAccount/, "more than AssumeRole");
        assert.match(principalProblems({ ...ec2Trust, Principal: { Service: "lambda.amazonaws.com" } }, role)[0], /without an aws:SourceAccount/, "another service");
        assert.match(principalProblems(ec2Trust, { ...own, type: "aws:s3/bucketPolicy:BucketPolicy", property: "policy" })[0], /without an aws:SourceAccount/, "EC2 in a bucket policy");
        const repository = { Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::al2023-repos-ap-northeast-1-de612dc2/*" };
        const endpoint = { ...own, type: "aws:ec2/vpcEndpoint:VpcEndpoint", property: "policy", props: { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.ap-northeast-1.s3" } };
        assert.deepStrictEqual(principalProblems(repository, endpoint), [], "dnf's anonymous read of AL2023's repository");
        for (const wider of [{ Action: ["s3:GetObject", "s3:PutObject"] }, { Action: "s3:*" }, { Resource: "arn:aws:s3:::al2023-repos-ap-northeast-1-de612dc2*" }, { Resource: ["arn:aws:s3:::al2023-repos-ap-northeast-1-de612dc2/*", "arn:aws:s3:::exfiltration/*"] }, { Resource: "*" },
            // A bucket anyone could create that only looks like AL2023's, and another region's.
            { Resource: "arn:aws:s3:::al2023-repos-attacker-x-de612dc2/*" }, { Resource: "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*" }]) {
            assert.match(principalProblems({ ...repository, ...wider }, endpoint)[0] ?? "", /every AWS principal/, JSON.stringify(wider));
        }
        assert.match(principalProblems(repository, { ...own, type: "aws:s3/bucketPolicy:BucketPolicy", property: "policy" })[0], /every AWS principal/, "the same grant in a bucket policy");
        assert.match(principalProblems(repository, { ...endpoint, props: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.ap-northeast-1.s3" } })[0], /every AWS principal/, "an interface endpoint");
        assert.deepStrictEqual(allow({ Principal: { Service: ["transfer.amazonaws.com"] }, Condition: { StringEquals: { "aws:sourceaccount": "111111111111" } } }), [], "condition keys are case-insensitive");
        const github = { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" };
        assert.match(allow({ Principal: github })[0], /without a condition on the subject/);
        assert.match(allow({ Principal: github, Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } })[0], /without a condition on the subject/, "aud alone admits every repository");
        assert.match(allow({ Principal: github, Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "*" } } })[0], /without a condition on the subject/);
        assert.deepStrictEqual(allow({ Principal: github, Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/closed-ftp:environment:dev" } } }), []);
        assert.deepStrictEqual(principalProblems({ Effect: "Deny", Principal: "*", Action: "s3:*" }, own), [], "a Deny admits no one");
    });

    it("client-ranges-closed: ranges that together are the internet, and ones that are not", () => {
        const slash8s = Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`);
        assert.strictEqual(coversEverything(slash8s, "ipv4"), true);
        assert.strictEqual(coversEverything(slash8s.slice(1), "ipv4"), false);
        assert.strictEqual(coversEverything(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"], "ipv4"), true);
        assert.strictEqual(coversEverything(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"], "ipv4"), false);
        assert.strictEqual(coversEverything(["::/1", "8000::/1", "10.0.0.0/8"], "ipv6"), true);
        assert.strictEqual(coversEverything(["10.0.0.0/8", "10.0.0.0/16"], "ipv4"), false);
        // The public internet without 0.0.0.0/8, spread over five groups: still the internet.
        const groups = Array.from({ length: 5 }, (_, g) => ({ type: "aws:ec2/securityGroup:SecurityGroup", name: `sg${g}`, props: { ingress: [{ protocol: "tcp", fromPort: 21, toPort: 21, cidrBlocks: Array.from({ length: 51 }, (_, i) => `${g * 51 + i + 1}.0.0.0/8`) }] } }));
        assert.match(stackViolations(g.clientRangesClosed, groups)[0], /together cover every public address of 0\.0\.0\.0\/0/);
        assert.deepStrictEqual(stackViolations(g.clientRangesClosed, [{ type: "aws:ec2/securityGroup:SecurityGroup", name: "ok", props: { ingress: [{ protocol: "tcp", fromPort: 21, toPort: 21, cidrBlocks: ["10.10.0.0/16", "203.0.113.0/24"] }] } }]), []);
    });

    it("no-world-ingress: any spelling of a /0", () => {
        for (const cidr of ["0.0.0.0/0", "::/0", "0::/0", "1.2.3.4/0"]) {
            assert.match(resourceViolations(g.noWorldIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 21, toPort: 21, [cidr.includes(":") ? "cidrIpv6" : "cidrIpv4"]: cidr })[0] ?? "", /a closed network names its clients/, cidr);
        }
    });

    it("no-wildcard-grants: ? is a wildcard too", () => {
        assert.match(resourceViolations(g.noWildcardGrants, "aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:?etObject", Resource: "arn:aws:s3:::b/*" }] }) })[0], /wildcard action\(s\) s3:\?etObject/);
    });

    it("data-is-protected: passes protected data, refuses each data-holding type unprotected, ignores the rest", () => {
        for (const type of DATA_HOLDING_TYPES) {
            assert.deepStrictEqual(resourceViolations(g.dataIsProtected, type, {}, { protect: true }), [], type);
            assert.match(resourceViolations(g.dataIsProtected, type, {}, { protect: false })[0], /is not protected: removing, renaming, moving or re-encrypting its bucket, or pulumi destroy, would delete it/, type);
        }
        assert.deepStrictEqual(resourceViolations(g.dataIsProtected, "aws:iam/role:Role", {}, { protect: false }), []);
        assert.deepStrictEqual(resourceViolations(g.dataIsProtected, "aws:secretsmanager/secret:Secret", {}, { protect: false }), []);
    });

    it("transfer-server-vpc-endpoint: passes a VPC endpoint, refuses PUBLIC and Elastic IPs", () => {
        assert.deepStrictEqual(resourceViolations(g.transferServerIsVpcEndpoint, SERVER, { endpointType: "VPC", endpointDetails: { vpcId: "vpc-1" } }), []);
        assert.match(resourceViolations(g.transferServerIsVpcEndpoint, SERVER, { endpointType: "PUBLIC" })[0], /endpointType is "PUBLIC"/);
        assert.match(resourceViolations(g.transferServerIsVpcEndpoint, SERVER, {})[0], /PUBLIC \(default\)/);
        assert.match(resourceViolations(g.transferServerIsVpcEndpoint, SERVER, { endpointType: "VPC", endpointDetails: { addressAllocationIds: ["eipalloc-1"] } })[0], /Elastic IPs \(eipalloc-1\)/);
    });

    it("ftp-custom-identity-provider: passes Lambda, refuses service-managed FTP, ignores SFTP", () => {
        assert.deepStrictEqual(resourceViolations(g.ftpUsesCustomIdentityProvider, SERVER, { protocols: ["FTP"], identityProviderType: "AWS_LAMBDA" }), []);
        assert.match(resourceViolations(g.ftpUsesCustomIdentityProvider, SERVER, { protocols: ["FTPS"], identityProviderType: "SERVICE_MANAGED" })[0], /identityProviderType is SERVICE_MANAGED/);
        assert.match(resourceViolations(g.ftpUsesCustomIdentityProvider, SERVER, { protocols: ["FTP"] })[0], /SERVICE_MANAGED/);
        assert.deepStrictEqual(resourceViolations(g.ftpUsesCustomIdentityProvider, SERVER, { protocols: ["SFTP"] }), []);
    });

    it("no-world-ingress: refuses 0.0.0.0/0 and ::/0 in every form of ingress", () => {
        assert.deepStrictEqual(resourceViolations(g.noWorldIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 21, toPort: 21, cidrIpv4: "10.0.0.0/8" }), []);
        assert.match(resourceViolations(g.noWorldIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 21, toPort: 21, cidrIpv4: "0.0.0.0/0" })[0], /from 0\.0\.0\.0\/0/);
        assert.match(resourceViolations(g.noWorldIngress, "aws:ec2/securityGroup:SecurityGroup", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }] })[0], /from ::\/0/);
        assert.match(resourceViolations(g.noWorldIngress, "aws:ec2/securityGroupRule:SecurityGroupRule", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] })[0], /-1 0-0/);
        assert.deepStrictEqual(resourceViolations(g.noWorldIngress, "aws:ec2/securityGroupRule:SecurityGroupRule", { type: "egress", protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }), []);
    });

    const server = (sg: string): R => ({ type: SERVER, name: "ftp", props: { endpointType: "VPC", endpointDetails: { vpcId: "vpc-1", securityGroupIds: [sg] } } });
    it("ftp-security-group-ports: passes 21 and 8192-8200, refuses anything else on the server's group", () => {
        const sg: R = { type: "aws:ec2/securityGroup:SecurityGroup", name: "ftp-sg", props: { id: "sg-1" } };
        const rule = (name: string, fromPort: number, toPort: number, protocol = "tcp"): R => ({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, props: { securityGroupId: "sg-1", ipProtocol: protocol, fromPort, toPort, cidrIpv4: "10.0.0.0/8" } });
        assert.deepStrictEqual(stackViolations(g.ftpSecurityGroupPorts, [server("sg-1"), sg, rule("a", 21, 21), rule("b", 8192, 8200)]), []);
        assert.match(stackViolations(g.ftpSecurityGroupPorts, [server("sg-1"), sg, rule("a", 21, 21), rule("ssh", 22, 22)])[0], /^urn:ssh: ssh opens tcp 22-22 on FTP security group ftp-sg/);
        assert.match(stackViolations(g.ftpSecurityGroupPorts, [server("sg-1"), sg, rule("all", 0, 65535, "-1")])[0], /opens -1 0-65535/);
        const otherGroupRule: R = { ...rule("elsewhere", 443, 443), props: { ...rule("x", 443, 443).props, securityGroupId: "sg-2" } };
        assert.deepStrictEqual(stackViolations(g.ftpSecurityGroupPorts, [server("sg-1"), sg, otherGroupRule]), []);
    });

    it("sts-endpoint-for-transfer-vpc: needs an STS interface endpoint with private DNS in the server's VPC", () => {
        const sts = (over: Record<string, unknown> = {}): R => ({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "sts", props: { vpcId: "vpc-1", serviceName: "com.amazonaws.ap-northeast-1.sts", vpcEndpointType: "Interface", privateDnsEnabled: true, ...over } });
        assert.deepStrictEqual(stackViolations(g.stsEndpointForTransferVpc, [server("sg-1"), sts()]), []);
        assert.match(stackViolations(g.stsEndpointForTransferVpc, [server("sg-1")])[0], /^urn:ftp: Transfer server ftp is in VPC vpc-1 with no STS interface endpoint/);
        assert.strictEqual(stackViolations(g.stsEndpointForTransferVpc, [server("sg-1"), sts({ privateDnsEnabled: false })]).length, 1);
        assert.strictEqual(stackViolations(g.stsEndpointForTransferVpc, [server("sg-1"), sts({ vpcId: "vpc-2" })]).length, 1);
        assert.strictEqual(stackViolations(g.stsEndpointForTransferVpc, [server("sg-1"), sts({ serviceName: "com.amazonaws.ap-northeast-1.s3" })]).length, 1);
    });

    it("sts-endpoint-for-transfer-vpc: links server and endpoint through their VPC's resource when ids are unknown (real previews)", () => {
        const vpc: R = { type: "awsx:ec2:Vpc", name: "network", props: {} };
        const unknownServer: R = { type: SERVER, name: "ftp", props: { endpointType: "VPC", endpointDetails: {} }, deps: { endpointDetails: ["network"] } };
        const endpoint: R = { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "sts", props: { serviceName: "com.amazonaws.r.sts", vpcEndpointType: "Interface", privateDnsEnabled: true }, deps: { vpcId: ["network"] } };
        assert.deepStrictEqual(stackViolations(g.stsEndpointForTransferVpc, [vpc, unknownServer, endpoint]), []);
    });

    it("bucket-closed-and-owned: needs all four public-access blocks, BucketOwnerEnforced and a TLS deny", () => {
        const bucket: R = { type: "aws:s3/bucket:Bucket", name: "drop", props: { bucket: "b" } };
        const pab: R = { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "drop", props: { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } };
        const own: R = { type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", name: "drop", props: { bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } } };
        const policy: R = { type: "aws:s3/bucketPolicy:BucketPolicy", name: "drop", props: { bucket: "b", policy: JSON.stringify({ Version: "2012-10-17", Statement: [tls] }) } };
        assert.deepStrictEqual(stackViolations(g.bucketGuardrails, [bucket, pab, own, policy]), []);
        assert.match(stackViolations(g.bucketGuardrails, [bucket, { ...pab, props: { ...pab.props, restrictPublicBuckets: false } }, own, policy])[0], /lacks a public access block/);
        assert.match(stackViolations(g.bucketGuardrails, [bucket, pab, { ...own, props: { bucket: "b", rule: { objectOwnership: "ObjectWriter" } } }, policy])[0], /is not BucketOwnerEnforced/);
        assert.match(stackViolations(g.bucketGuardrails, [bucket, pab, own, { ...policy, props: { bucket: "b", policy: "{\"Statement\":[]}" } }])[0], /no policy denying requests without TLS/);
        assert.strictEqual(stackViolations(g.bucketGuardrails, [bucket]).length, 3);
    });

    it("cross-account-grant-names-the-role: a root grant needs aws:userId or aws:PrincipalArn", () => {
        const grant = (condition?: object) => ({ policy: JSON.stringify({ Statement: [tls, { Sid: "Hub", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", ...(condition ? { Condition: condition } : {}) }] }) });
        const type = "aws:s3/bucketPolicy:BucketPolicy";
        assert.deepStrictEqual(resourceViolations(g.crossAccountGrantIsConditioned, type, grant({ StringLike: { "aws:userId": "AROAX:*" } })), []);
        assert.deepStrictEqual(resourceViolations(g.crossAccountGrantIsConditioned, type, grant({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/r" } })), []);
        assert.match(resourceViolations(g.crossAccountGrantIsConditioned, type, grant())[0], /statement "Hub" grants arn:aws:iam::111111111111:root without an aws:userId/);
        assert.match(resourceViolations(g.crossAccountGrantIsConditioned, type, { policy: { Statement: [{ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "s3:GetObject", Resource: "x" }] } })[0], /grants 111111111111/);
    });

    it("no-wildcard-grants: refuses *, s3:*, s3:Put* and Resource * for S3 and Secrets Manager; ignores denies", () => {
        const doc = (statement: object) => ({ policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });
        const type = "aws:iam/rolePolicy:RolePolicy";
        assert.deepStrictEqual(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" })), []);
        assert.match(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Allow", Action: "*", Resource: "*" }))[0], /wildcard action\(s\) \*/);
        assert.match(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" }))[0], /s3:\*/);
        assert.match(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Allow", Action: "s3:Put*", Resource: "arn:aws:s3:::b" }))[0], /s3:Put\*/);
        assert.match(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }))[0], /on Resource "\*"/);
        assert.deepStrictEqual(resourceViolations(g.noWildcardGrants, type, doc({ Effect: "Deny", Action: "s3:*", Resource: "*" })), []);
        assert.match(resourceViolations(g.noWildcardGrants, "aws:iam/role:Role", { inlinePolicies: [doc({ Effect: "Allow", Action: "s3:*", Resource: "*" })] })[0], /s3:\*/);
        assert.match(resourceViolations(g.noWildcardGrants, type, { policy: "{not json" })[0], /is not valid JSON/);
    });

    it("no-internet-path: refuses every gateway, Elastic IP, default route and public-IP subnet; passes the isolated VPC's pieces", () => {
        for (const type of ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment", "aws:ec2/natGateway:NatGateway",
            "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "aws:ec2/eip:Eip", "awsx:ec2:Vpc"]) {
            assert.match(resourceViolations(g.noInternetPath, type, {})[0] ?? "", /path to the internet/, type);
        }
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/route:Route", { destinationCidrBlock: "0.0.0.0/0" })[0], /route to 0\.0\.0\.0\/0/);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/route:Route", { destinationIpv6CidrBlock: "::/0" })[0], /route to ::\/0/);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/routeTable:RouteTable", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] })[0], /routes 0\.0\.0\.0\/0/);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/subnet:Subnet", { mapPublicIpOnLaunch: true })[0], /public IPs on launch/);
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/route:Route", { destinationCidrBlock: "10.20.0.0/16", transitGatewayId: "tgw-1" }), []);
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/routeTable:RouteTable", { routes: [] }), []);
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/subnet:Subnet", { mapPublicIpOnLaunch: false }), []);
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/vpc:Vpc", { cidrBlock: "10.80.0.0/16" }), []);
        // An instance must say no to a public IP: unset, it takes a subnet's setting that no plan may show.
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/instance:Instance", { associatePublicIpAddress: true })[0], /may get a public IP/);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/instance:Instance", {})[0], /may get a public IP/);
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/instance:Instance", { associatePublicIpAddress: false }), []);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/launchTemplate:LaunchTemplate", { networkInterfaces: [{ associatePublicIpAddress: "true" }] })[0], /may get a public IP/);
        // The test client's peering route is a route like any other: its destination decides.
        assert.deepStrictEqual(resourceViolations(g.noInternetPath, "aws:ec2/route:Route", { destinationCidrBlock: "10.254.0.0/24", vpcPeeringConnectionId: "pcx-1" }), []);
        assert.match(resourceViolations(g.noInternetPath, "aws:ec2/route:Route", { destinationCidrBlock: "0.0.0.0/0", vpcPeeringConnectionId: "pcx-1" })[0], /route to 0\.0\.0\.0\/0/);
    });
});
