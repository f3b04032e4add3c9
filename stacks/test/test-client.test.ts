// closed-ftp:testClient on the dev stack's plan: the seeds' Client-VPC, closed like the hub, peered with
// routes on both sides, an instance that is private, IMDSv2-only and encrypted, and nothing left when
// the key goes.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readStackFile, StackConfig } from "../../plan/plan";
import { ConfigValidationError, parseStackConfig } from "../config";
import { modelOf, planOnce } from "../../plan/test/plans";
import { PlanRun } from "../../plan/plan";
import { PlanResource } from "../../plan/format";
import { TEST_CLIENT_USER_DATA } from "../../infra/test-client";
import { architectureOf, unservedSubnets } from "../program";

const ROOT = path.resolve(__dirname, "..", "..");

function withClient(base: StackConfig, client: unknown): StackConfig {
    const config: Record<string, string> = { ...base.config };
    if (client === undefined) delete config["closed-ftp:testClient"];
    else config["closed-ftp:testClient"] = JSON.stringify(client);
    return { config, secretKeys: base.secretKeys };
}

async function issuesOf(config: StackConfig, options = {}): Promise<string[]> {
    try {
        await planOnce("dev", config, options);
    } catch (err) {
        const issues = ConfigValidationError.fromMessage((err as Error).message)?.issues ?? (err instanceof ConfigValidationError ? err.issues : undefined);
        if (issues) return issues.map((i) => `${i.path}: ${i.message}`);
        throw err;
    }
    return [];
}

describe("closed-ftp:testClient on the dev stack", function () {
    this.timeout(60_000);
    let dev: StackConfig;
    let run: PlanRun;
    const client = (r: PlanRun) => r.document.resources.filter((x) => x.custom && x.urn.includes("closed-ftp:index:TestClient"));
    const one = (r: PlanRun, type: string, name: string) => r.cloud.find(type, name) as PlanResource;

    before(async () => {
        dev = readStackFile("dev", ROOT);
        // The three plans the tests below compare, at once: each is a runner process of its own.
        [run] = await Promise.all([planOnce("dev", dev), planOnce("dev", withClient(dev, { cidrBlock: "10.254.0.0/24" })), planOnce("dev", withClient(dev, undefined))]);
    });

    it("builds a client VPC with no internet path: one private subnet, no gateway but the S3 endpoint to AL2023's repository", () => {
        const vpc = one(run, "aws:ec2/vpc:Vpc", "test-client-vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.254.0.0/24");
        const subnet = one(run, "aws:ec2/subnet:Subnet", "test-client-vpc-ap-northeast-1a");
        assert.deepStrictEqual([subnet.inputs.cidrBlock, subnet.inputs.mapPublicIpOnLaunch], ["10.254.0.0/26", false]);
        assert.deepStrictEqual(client(run).filter((r) => /internetGateway|natGateway|egressOnly|eip:Eip/i.test(r.type)), []);
        const s3 = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "test-client-s3");
        assert.deepStrictEqual([s3.inputs.vpcEndpointType, s3.inputs.serviceName, s3.inputs.vpcId], ["Gateway", "com.amazonaws.ap-northeast-1.s3", vpc.state.id]);
        assert.deepStrictEqual(JSON.parse(String(s3.inputs.policy)).Statement, [{
            Sid: "AmazonLinuxRepositoryOnly", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::al2023-repos-ap-northeast-1-de612dc2/*",
        }]);
        for (const service of ["ssm", "ssmmessages"]) {
            const endpoint = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint", `test-client-${service}`);
            assert.deepStrictEqual([endpoint.inputs.vpcEndpointType, endpoint.inputs.privateDnsEnabled, endpoint.inputs.subnetIds], ["Interface", true, [subnet.state.id]]);
        }
    });

    it("peers it with the hub VPC and routes both ways: the client to the hub's block, the named hub route tables to the client's", () => {
        const peering = one(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "test-client-peering");
        assert.deepStrictEqual([peering.inputs.peerVpcId, peering.inputs.autoAccept], ["vpc-0123456789abcdef0", true]);
        const routes = run.cloud.byType("aws:ec2/route:Route").map((r) => [r.name, r.inputs.routeTableId, r.inputs.destinationCidrBlock, r.inputs.vpcPeeringConnectionId])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        const clientTable = one(run, "aws:ec2/routeTable:RouteTable", "test-client-vpc-ap-northeast-1a").state.id;
        assert.deepStrictEqual(routes, [
            ["test-client-from-hub-0", "rtb-0aaaaaaaaaaaaaaaa", "10.254.0.0/24", peering.state.id],
            ["test-client-from-hub-1", "rtb-0bbbbbbbbbbbbbbbb", "10.254.0.0/24", peering.state.id],
            ["test-client-to-hub-0", clientTable, "10.0.0.0/16", peering.state.id],
        ]);
        const outputs = run.document.outputs as { testClient: { hubRoutes: unknown; peeringConnectionId: string } };
        assert.deepStrictEqual(outputs.testClient.hubRoutes, { destinationCidrBlock: "10.254.0.0/24", vpcPeeringConnectionId: peering.state.id, routeTableIds: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"] });
    });

    it("admits the client block on the server's security group, on 21 and the passive ports, like every client network", () => {
        const rules = run.cloud.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.cidrIpv4 === "10.254.0.0/24");
        assert.deepStrictEqual(rules.map((r) => [r.inputs.fromPort, r.inputs.toPort]).sort(), [[21, 21], [8192, 8200]]);
        const server = one(run, "aws:transfer/server:Server", "ftp");
        const groups = (server.inputs.endpointDetails as { securityGroupIds: string[] }).securityGroupIds;
        assert.ok(rules.every((r) => groups.includes(String(r.inputs.securityGroupId))));
    });

    it("launches AL2023 with no public IP, IMDSv2 only, an encrypted volume and lftp at boot, its role good for Run Command only", () => {
        const instance = one(run, "aws:ec2/instance:Instance", "test-client-instance");
        assert.match(String(instance.inputs.ami), /^ami-[0-9a-f]{17}$/);
        assert.strictEqual(instance.inputs.associatePublicIpAddress, false);
        assert.deepStrictEqual(instance.inputs.metadataOptions, { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        assert.deepStrictEqual(instance.inputs.rootBlockDevice, { deleteOnTermination: true, encrypted: true, volumeSize: 8, volumeType: "gp3" });
        assert.strictEqual(instance.inputs.userData, TEST_CLIENT_USER_DATA);
        assert.match(TEST_CLIENT_USER_DATA, /^#!\/bin\/bash\n[\s\S]*for attempt in 1 2 3 4 5; do dnf install -y lftp && exit 0; sleep 20; done\nexit 1\n$/);
        assert.strictEqual(instance.inputs.subnetId, one(run, "aws:ec2/subnet:Subnet", "test-client-vpc-ap-northeast-1a").state.id);
        // Its address, in the outputs for the smoke test's source rule, is in its subnet (the mock gives one as AWS does).
        assert.match(String((run.document.outputs as { testClient: { privateIp: string } }).testClient.privateIp), /^10\.254\.0\.([4-9]|[1-5]\d|6[0-2])$/);
        const group = one(run, "aws:ec2/securityGroup:SecurityGroup", "test-client-instance-sg");
        assert.deepStrictEqual(group.inputs.ingress, []);
        assert.deepStrictEqual((group.inputs.egress as { fromPort: number; toPort: number }[]).map((e) => [e.fromPort, e.toPort]), [[443, 443], [443, 443], [21, 21], [8192, 8200]]);
        const role = one(run, "aws:iam/role:Role", "test-client-role");
        assert.deepStrictEqual([role.inputs.path, role.inputs.name], ["/closed-ftp/dev/", "closed-ftp-dev-test-client"]);
        const actions = JSON.parse(String(one(run, "aws:iam/rolePolicy:RolePolicy", "test-client-ssm").inputs.policy)).Statement.flatMap((s: { Action: string[] }) => s.Action);
        assert.deepStrictEqual(actions.filter((a: string) => !/^(ssm:UpdateInstanceInformation|ssm:ListInstanceAssociations|ssmmessages:)/.test(a)), []);
        assert.strictEqual(architectureOf("t3.micro"), "x86_64");
        assert.strictEqual(architectureOf("t4g.small"), "arm64");
        assert.strictEqual(architectureOf("m7gd.large"), "arm64");
        assert.strictEqual(architectureOf("g4dn.xlarge"), "x86_64");
    });

    it("prints the hub's routes for the network team when an existing VPC names no route tables", async () => {
        const printed = await planOnce("dev", withClient(dev, { cidrBlock: "10.254.0.0/24" }));
        assert.deepStrictEqual(printed.cloud.byType("aws:ec2/route:Route").map((r) => r.name), ["test-client-to-hub-0"]);
        const outputs = printed.document.outputs as { testClient: { hubRoutes: { destinationCidrBlock: string; routeTableIds: string[]; vpcPeeringConnectionId: string } } };
        assert.deepStrictEqual(outputs.testClient.hubRoutes.routeTableIds, []);
        assert.match(outputs.testClient.hubRoutes.vpcPeeringConnectionId, /^pcx-/);
    });

    it("leaves nothing behind when the key goes: the rest of the plan is the same, resource for resource", async () => {
        const without = await planOnce("dev", withClient(dev, undefined));
        const urns = (r: PlanRun) => new Set(r.document.resources.map((x) => x.urn));
        const [withUrns, withoutUrns] = [urns(run), urns(without)];
        assert.deepStrictEqual([...withoutUrns].filter((u) => !withUrns.has(u)), []);
        const extra = [...withUrns].filter((u) => !withoutUrns.has(u));
        // What the key added: the component's own children, and the two server rules that admit its block.
        assert.deepStrictEqual(extra.filter((u) => !u.includes("closed-ftp:index:TestClient")).map((u) => u.split("::").pop()).sort(), ["ftp-ftp-10-254-0-0-24", "ftp-passive-10-254-0-0-24"]);
        // As many as the README's quick start says.
        const said = Number(/\| the test client \(`testClient`\) \| (\d+), and a route per hub VPC block and per hub route table/.exec(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"))?.[1]);
        assert.strictEqual(extra.length, said + run.cloud.byType("aws:ec2/route:Route").length);
        // No child outlives the component: none is protected or retained on delete.
        for (const r of client(run)) assert.ok(!r.protect && !r.retainOnDelete, `${r.name} would be left behind`);
        assert.strictEqual((without.document.outputs as { testClient?: unknown }).testClient, undefined);
    });

    it("refuses, before anything is created and all at once, a block over the hub's, route tables it cannot use, and a zone without Run Command", async () => {
        const hubVpc = {
            cidrBlocks: ["10.0.0.0/16"], subnets: { "subnet-0aaaaaaaaaaaaaaaa": "ap-northeast-1a", "subnet-0bbbbbbbbbbbbbbbb": "ap-northeast-1c" },
            routeTables: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0dddddddddddddddd"], routeTableOf: { "subnet-0aaaaaaaaaaaaaaaa": "rtb-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb": "rtb-0dddddddddddddddd" },
        };
        const world = {
            vpcs: { "vpc-0123456789abcdef0": hubVpc, "vpc-0ffffffffffffffff": { cidrBlocks: ["10.9.0.0/16"], subnets: {}, routeTables: ["rtb-0bbbbbbbbbbbbbbbb"] } },
            endpointServiceZones: { ssmmessages: ["ap-northeast-1c"] },
        };
        const config = withClient(dev, { cidrBlock: "10.0.128.0/24", hubRouteTableIds: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb", "rtb-0cccccccccccccccc"] });
        assert.deepStrictEqual(await issuesOf(config, world), [
            'closed-ftp:testClient.cidrBlock: "10.0.128.0/24" overlaps the hub VPC\'s 10.0.0.0/16: VPC peering refuses overlapping blocks',
            "closed-ftp:testClient.hubRouteTableIds[1]: route table rtb-0bbbbbbbbbbbbbbbb is in vpc-0ffffffffffffffff, not in the hub VPC vpc-0123456789abcdef0",
            "closed-ftp:testClient.hubRouteTableIds[2]: route table rtb-0cccccccccccccccc in the hub account 111111111111: no matching EC2 Route Table found (mock cloud: no route table rtb-0cccccccccccccccc in account 111111111111)",
            "closed-ftp:testClient: the test client's zone ap-northeast-1a (the hub's first) does not offer com.amazonaws.ap-northeast-1.ssmmessages, which Run Command needs",
        ]);
    });

    it("takes a hub route table only if the endpoint's subnets use it: explicitly, or as the VPC's main table", async () => {
        const hubVpc = { cidrBlocks: ["10.0.0.0/16"], subnets: { "subnet-0aaaaaaaaaaaaaaaa": "ap-northeast-1a", "subnet-0bbbbbbbbbbbbbbbb": "ap-northeast-1c" } };
        const halfServed = { vpcs: { "vpc-0123456789abcdef0": { ...hubVpc, routeTables: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb", "rtb-0cccccccccccccccc"], routeTableOf: { "subnet-0aaaaaaaaaaaaaaaa": "rtb-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb": "rtb-0cccccccccccccccc" } } } };
        const refused = await issuesOf(dev, halfServed);
        assert.deepStrictEqual(refused, ["closed-ftp:testClient.hubRouteTableIds: the server endpoint's subnet subnet-0bbbbbbbbbbbbbbbb uses none of these route tables: the endpoint's replies would never reach the test client; name the tables of every subnet in closed-ftp:network.subnetIds"]);
        // A subnet without a table of its own uses the main one, whichever subnets the main table lists.
        const A = "subnet-0aaaaaaaaaaaaaaaa";
        const B = "subnet-0bbbbbbbbbbbbbbbb";
        assert.deepStrictEqual(unservedSubnets([{ associations: [{ subnetId: A }] }, { associations: [{ main: true }] }], [A, B]), []);
        assert.deepStrictEqual(unservedSubnets([{ associations: [{ subnetId: A }] }], [A, B]), [B]);
        assert.deepStrictEqual(unservedSubnets([{ associations: [{ subnetId: A }] }, { associations: [{ subnetId: B }] }], [A, B]), []);
    });

    it("refuses a wrong value by its config path, with the reason, before any look-up", () => {
        const base = modelOf(dev);
        const issues = (client: unknown, network?: Record<string, unknown>) => {
            const raw = Object.fromEntries(Object.entries(dev.config).map(([k, v]) => [k, /^\s*[[{]/.test(v) ? JSON.parse(v) : v]));
            raw["closed-ftp:testClient"] = client;
            if (network) raw["closed-ftp:network"] = network;
            try {
                parseStackConfig(raw);
                return [];
            } catch (err) {
                return (err as ConfigValidationError).issues.map((i) => `${i.path}: ${i.message}`);
            }
        };
        assert.deepStrictEqual(base.testClient, { cidrBlock: "10.254.0.0/24", instanceType: "t3.micro", hubRouteTableIds: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"] });
        assert.match(issues({ cidrBlock: "10.10.5.0/24" }).join("\n"), /testClient\.cidrBlock: "10\.10\.5\.0\/24" overlaps closed-ftp:network\.allowedCidrs 10\.10\.0\.0\/16/);
        const invalid = issues({ cidrBlock: "8.8.8.0/24", instanceType: "huge", hubRouteTableIds: ["rtb-1"], color: "red" });
        assert.deepStrictEqual(invalid.map((i) => i.split(":").slice(0, 2).join(":")).sort(), [
            "closed-ftp:testClient.cidrBlock", "closed-ftp:testClient.color", "closed-ftp:testClient.hubRouteTableIds[0]", "closed-ftp:testClient.instanceType",
        ]);
        assert.match(invalid.join("\n"), /"8\.8\.8\.0\/24" is not a private range/);
        assert.match(issues({ cidrBlock: "10.254.0.0/27" }).join("\n"), /must be an IPv4 block from \/16 to \/26/);
        assert.match(issues({ hubRouteTableIds: ["rtb-0aaaaaaaaaaaaaaaa"] }, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"], allowedCidrs: ["10.10.0.0/16"] }).join("\n"), /testClient\.hubRouteTableIds: is for an existing hub VPC/);
        assert.match(issues({ cidrBlock: "10.80.4.0/24" }, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"], allowedCidrs: ["10.10.0.0/16"] }).join("\n"), /overlaps the hub VPC 10\.80\.0\.0\/16: VPC peering refuses overlapping blocks/);
        assert.match(issues(7).join("\n"), /closed-ftp:testClient: expected true, false or a map \(cidrBlock, instanceType, hubRouteTableIds\), got number 7/);
        assert.deepStrictEqual(issues(false), []);
    });
});
