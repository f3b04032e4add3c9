// What the network team needs: a name on everything it can see in the console, and for a new VPC
// the subnets and route tables to route the clients' traffic to.
import * as assert from "assert";
import * as path from "path";
import { PlanRun, readStackFile, StackConfig } from "../../plan/plan";
import { planOnce, withNetwork } from "../../plan/test/plans";
import { revealSecrets } from "../../plan/mock-cloud";

const ROOT = path.resolve(__dirname, "..", "..");

/** The types the program creates that take tags (a Name among them), and those AWS gives no tags. */
const TAGGED = new Set([
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role",
    "aws:lambda/function:Function", "aws:transfer/server:Server", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:secretsmanager/secret:Secret",
    "aws:sns/topic:Topic", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/instance:Instance",
    "aws:iam/instanceProfile:InstanceProfile",
]);
const UNTAGGED = new Set([
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:lambda/permission:Permission", "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:ec2/routeTableAssociation:RouteTableAssociation", "random:index/randomBytes:RandomBytes",
    "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription", "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:cloudwatch/dashboard:Dashboard", "aws:route53/record:Record", "aws:s3/bucketNotification:BucketNotification", "aws:ec2/route:Route",
]);

const newVpc = (base: StackConfig) => withNetwork(base, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"] });

describe("what the network team needs", () => {
    let plans: PlanRun[];
    before(async () => {
        const dev = readStackFile("dev", ROOT);
        plans = await Promise.all([planOnce("dev", dev), planOnce("dev", newVpc(dev))]);
    });

    it("names every resource a person can find in the console with a Name tag of project, stack and resource", () => {
        for (const plan of plans) {
            for (const r of plan.document.resources.filter((x) => x.custom && !x.read && !x.type.startsWith("pulumi:providers:"))) {
                assert.ok(TAGGED.has(r.type) || UNTAGGED.has(r.type), `${r.type} is neither tagged nor known to take no tags: classify it`);
                if (!TAGGED.has(r.type)) continue;
                assert.strictEqual((r.inputs.tags as Record<string, string> | undefined)?.Name, `closed-ftp-dev-${r.name}`, r.urn);
            }
        }
        const tagged = plans[1].document.resources.filter((r) => (r.inputs.tags as Record<string, string> | undefined)?.Name).map((r) => r.type);
        for (const type of ["aws:ec2/routeTable:RouteTable", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint"]) assert.ok(tagged.includes(type), type);
    });

    it("routes a new hub VPC's own route tables to the test client, and the test client to the hub's block", () => {
        const fresh = plans[1];
        const hubTables = fresh.cloud.byType("aws:ec2/routeTable:RouteTable").filter((t) => t.name.startsWith("network-")).map((t) => t.state.id);
        const routes = fresh.cloud.byType("aws:ec2/route:Route");
        assert.deepStrictEqual(routes.filter((r) => r.name.startsWith("test-client-from-hub")).map((r) => [r.inputs.routeTableId, r.inputs.destinationCidrBlock]), hubTables.map((t) => [t, "10.254.0.0/24"]));
        assert.strictEqual(routes.find((r) => r.name === "test-client-to-hub-0")?.inputs.destinationCidrBlock, "10.80.0.0/16");
    });

    it("gives a new VPC's subnets and route tables, by zone, in the outputs", () => {
        const outputs = revealSecrets(plans[1].document.outputs, true) as { subnets: Record<string, { subnetId: string; routeTableId: string; cidrBlock: string }> };
        const subnets = plans[1].cloud.byType("aws:ec2/subnet:Subnet");
        const tables = plans[1].cloud.byType("aws:ec2/routeTable:RouteTable");
        assert.deepStrictEqual(outputs.subnets, {
            "ap-northeast-1a": { subnetId: subnets[0].state.id, routeTableId: tables[0].state.id, cidrBlock: "10.80.0.0/18" },
            "ap-northeast-1c": { subnetId: subnets[1].state.id, routeTableId: tables[1].state.id, cidrBlock: "10.80.64.0/18" },
        });
        assert.strictEqual("subnets" in (revealSecrets(plans[0].document.outputs, true) as object), false, "an existing VPC's routes are the network team's already");
    });
});
