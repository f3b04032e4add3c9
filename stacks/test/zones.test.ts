// Zones: a new VPC's zones are pinned by id, so no run moves a deployed subnet; every subnet's zone,
// new or existing, must offer each endpoint the stack creates there (not every zone offers every service).
import * as assert from "assert";
import * as path from "path";
import { ConfigValidationError } from "../config";
import { PlanOptions, readStackFile, StackConfig } from "../../plan/plan";
import { planOnce, withNetwork, withoutTestClient } from "../../plan/test/plans";

const ROOT = path.resolve(__dirname, "..", "..");
// Zones are the hub's: the test client (its own tests) is left out.
const dev = () => withoutTestClient(readStackFile("dev", ROOT));

async function issuesOf(config: StackConfig, options: PlanOptions = {}): Promise<[string, string][]> {
    const caught = await planOnce("dev", config, options).then(() => undefined, (err: unknown) => err);
    assert.ok(caught instanceof ConfigValidationError, String(caught));
    return caught.issues.map((i) => [i.path, i.message]);
}

// In the mock's ap-northeast-1: 1a is apne1-az4, 1c is apne1-az1, 1d is apne1-az2 (one account's mapping).
describe("availability zones", () => {
    it("refuses a new VPC whose zones are not pinned, listing the eligible zone ids and those an earlier version chose", async () => {
        const issues = await issuesOf(withNetwork(dev(), { cidrBlock: "10.80.0.0/16", availabilityZones: 2 }), { endpointServiceZones: { sts: ["ap-northeast-1a", "ap-northeast-1c"] } });
        assert.deepStrictEqual(issues.map(([p]) => p), ["closed-ftp:network.availabilityZoneIds"]);
        assert.match(issues[0][1], /is required for a new VPC: its zones are pinned by id so that no later run moves a subnet\. Zones of ap-northeast-1 that offer Transfer, STS and Secrets Manager endpoints: apne1-az4, apne1-az1;/);
        assert.match(issues[0][1], /a VPC deployed before zones were pinned uses \[apne1-az4, apne1-az1\] \(ap-northeast-1a, ap-northeast-1c\), in that order/);
    });

    it("keeps subnets in the pinned zones, in the config's order, when AWS starts offering a service in a zone that sorts first", async () => {
        const pinned = withNetwork(dev(), { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az2", "apne1-az1"] });
        // Before: 1a (apne1-az4) offers no Transfer endpoint. After: it does, and sorts before 1c and 1d by name.
        const [before, after] = await Promise.all([
            planOnce("dev", pinned, { endpointServiceZones: { "transfer.server": ["ap-northeast-1c", "ap-northeast-1d"] } }),
            planOnce("dev", pinned),
        ]);
        for (const plan of [before, after]) {
            assert.deepStrictEqual(plan.cloud.byType("aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-")).map((s) => [s.name, s.inputs.availabilityZone, s.inputs.cidrBlock]), [
                ["network-ap-northeast-1d", "ap-northeast-1d", "10.80.0.0/18"], ["network-ap-northeast-1c", "ap-northeast-1c", "10.80.64.0/18"],
            ]);
        }
    });

    it("refuses a pinned zone that is not the region's, or that lacks a service, naming the zone and the service", async () => {
        const issues = await issuesOf(withNetwork(dev(), { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az9", "apne1-az2", "apne1-az1"] }), { endpointServiceZones: { "transfer.server": ["ap-northeast-1a", "ap-northeast-1c"] } });
        assert.deepStrictEqual(issues, [
            ["closed-ftp:network.availabilityZoneIds[0]", "\"apne1-az9\" is not an availability zone of ap-northeast-1 (its zones: apne1-az4, apne1-az1, apne1-az2)"],
            ["closed-ftp:network.availabilityZoneIds[1]", "zone apne1-az2 (ap-northeast-1d) does not offer com.amazonaws.ap-northeast-1.transfer.server, which the Transfer server's endpoint needs; zones that offer Transfer, STS and Secrets Manager endpoints: apne1-az4, apne1-az1"],
        ]);
    });

    it("refuses an existing subnet whose zone lacks an endpoint the stack creates there, naming the subnet, the zone and the service", async () => {
        const issues = await issuesOf(dev(), { endpointServiceZones: { secretsmanager: ["ap-northeast-1a"], sts: ["ap-northeast-1a", "ap-northeast-1d"] } });
        assert.deepStrictEqual(issues, [
            ["closed-ftp:network.subnetIds[1]", "subnet subnet-0bbbbbbbbbbbbbbbb is in ap-northeast-1c (apne1-az1), which does not offer com.amazonaws.ap-northeast-1.sts: the STS endpoint cannot have a network interface there"],
            ["closed-ftp:network.subnetIds[1]", "subnet subnet-0bbbbbbbbbbbbbbbb is in ap-northeast-1c (apne1-az1), which does not offer com.amazonaws.ap-northeast-1.secretsmanager: the Secrets Manager endpoint cannot have a network interface there"],
        ]);
    });

    it("asks no zone of an endpoint the VPC already has", async () => {
        const reused = withNetwork(dev(), { ...JSON.parse(dev().config["closed-ftp:network"]), existingEndpoints: ["sts"] });
        const plan = await planOnce("dev", reused, { endpointServiceZones: { sts: [] } });
        assert.strictEqual(plan.cloud.byType("aws:transfer/server:Server").length, 1);
    });
});
