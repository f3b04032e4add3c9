// closed-ftp:dns: the private zone is looked up in its account before anything is created; a public
// zone, a name outside the zone or a zone that is not there is refused with the config path.
import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { ConfigValidationError } from "../config";
import { lookUpDns } from "../program";
import { readStackFile } from "../../plan/plan";
import { modelOf } from "../../plan/test/plans";
import { MockHostedZone } from "../../plan/mock-cloud";
import { InProcessCloud } from "../../plan/mock-cloud/in-process";

const ROOT = path.resolve(__dirname, "..", "..");
const ZONE = "Z0123456789ABCDEFGHIJ";

async function lookUp(hostedZones: Record<string, MockHostedZone>, recordName = "ftp.corp.example.com") {
    const cloud = await InProcessCloud.install({ stack: "dev", hostedZones });
    const model = modelOf(readStackFile("dev", ROOT));
    model.dns = { recordName, zoneId: ZONE, account: "network" };
    const providers = new Map([["hub", "111111111111"], ["network", "444444444444"]].map(([key, account]) => [key, new aws.Provider(key, { region: "ap-northeast-1", allowedAccountIds: [account] })]));
    const outcome = await lookUpDns(model, providers).then((zone) => zone, (err: unknown) => err);
    return { outcome, cloud };
}

const issuesOf = (outcome: unknown) => {
    assert.ok(outcome instanceof ConfigValidationError, String(outcome));
    return outcome.issues.map((i) => `${i.path}: ${i.message}`);
};

describe("closed-ftp:dns, looked up before anything is created", () => {
    it("takes a private zone that holds the name, read through the zone's account's provider", async () => {
        const { outcome, cloud } = await lookUp({ [ZONE]: { name: "corp.example.com.", privateZone: true } });
        assert.deepStrictEqual(outcome, { zoneName: "corp.example.com" });
        assert.match(String(cloud.invokes.find((i) => i.token === "aws:route53/getZone:getZone")?.provider), /::network$/);
        // The apex is a name too: an alias A record may sit there.
        assert.deepStrictEqual((await lookUp({ [ZONE]: { name: "ftp.corp.example.com", privateZone: true } })).outcome, { zoneName: "ftp.corp.example.com" });
    });

    it("refuses a public zone and a name outside the zone, both at once", async () => {
        const { outcome } = await lookUp({ [ZONE]: { name: "example.org", privateZone: false } });
        assert.deepStrictEqual(issuesOf(outcome), [
            `closed-ftp:dns.zoneId: zone ${ZONE} (example.org) is public: the endpoint's private addresses belong in a private hosted zone, which only the VPCs it is associated with (and resolvers forwarding to them) can see`,
            `closed-ftp:dns.recordName: "ftp.corp.example.com" is not in zone ${ZONE} (example.org): name a host under example.org`,
        ]);
        // A suffix is not a parent: "notcorp.example.com" is not under "corp.example.com".
        assert.match(issuesOf((await lookUp({ [ZONE]: { name: "corp.example.com", privateZone: true } }, "ftp.notcorp.example.com")).outcome)[0], /is not in zone/);
    });

    it("refuses a zone the account does not have, naming the account", async () => {
        const { outcome } = await lookUp({});
        assert.deepStrictEqual(issuesOf(outcome).map((i) => i.split(": ").slice(0, 2).join(": ")), [`closed-ftp:dns.zoneId: hosted zone ${ZONE} in account 444444444444`]);
    });
});
