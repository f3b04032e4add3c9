import * as assert from "assert";
import { CrossAccountBucket, CrossAccountBucketArgs } from "../cross-account-bucket";
import { MockCloud } from "../../plan/mock-cloud";
import { promiseOf } from "../../plan/mock-cloud/in-process";
import { Accounts, HUB_ACCOUNT, onMockCloud, parsePolicy, REGION, SPOKE_ACCOUNT } from "./harness";

type Statement = { Sid: string; Effect: string; Principal?: unknown; Condition?: Record<string, Record<string, unknown>>; Resource: unknown };

async function deployBucket(overrides: Partial<CrossAccountBucketArgs> = {}, name = "drop") {
    return onMockCloud(async (accounts: Accounts) => {
        const bucket = new CrossAccountBucket(name, {
            bucketAccountId: SPOKE_ACCOUNT, hubAccountId: HUB_ACCOUNT, region: REGION, hubProvider: accounts.hub, ...overrides,
        }, { provider: overrides.bucketAccountId === HUB_ACCOUNT ? accounts.hub : accounts.spoke });
        return {
            uniqueId: await promiseOf(bucket.accessRoleUniqueId), roleName: await promiseOf(bucket.accessRoleName), roleArn: await promiseOf(bucket.accessRoleArn),
            bucketArn: await promiseOf(bucket.bucketArn), kmsKeyArn: bucket.kmsKeyArn ? await promiseOf(bucket.kmsKeyArn) : undefined,
        };
    });
}

const statements = (cloud: MockCloud, type: string, name: string) => parsePolicy(cloud.find(type, name).inputs.policy).Statement as Statement[];

describe("CrossAccountBucket", () => {
    let s3: Awaited<ReturnType<typeof deployBucket>>;
    let kms: Awaited<ReturnType<typeof deployBucket>>;
    before(async () => {
        s3 = await deployBucket();
        kms = await deployBucket({ encryption: "kms" });
    });

    it("puts the bucket and its settings in the spoke account, and its access role with the grant in the hub account", () => {
        for (const r of s3.cloud.resources.filter((r) => r.type.startsWith("aws:s3/"))) assert.strictEqual(s3.cloud.accountOf(r), SPOKE_ACCOUNT, r.urn);
        for (const r of kms.cloud.byType("aws:kms/key:Key")) assert.strictEqual(kms.cloud.accountOf(r), SPOKE_ACCOUNT, r.urn);
        const role = s3.cloud.find("aws:iam/role:Role", "drop-access");
        const grant = s3.cloud.find("aws:iam/rolePolicy:RolePolicy", "drop-grant");
        assert.strictEqual(s3.cloud.accountOf(role), HUB_ACCOUNT);
        assert.strictEqual(s3.cloud.accountOf(grant), HUB_ACCOUNT);
        assert.strictEqual(grant.inputs.role, s3.result.roleName);
        assert.match(s3.result.roleArn, new RegExp(`^arn:aws:iam::${HUB_ACCOUNT}:role/drop-access-`));
        assert.deepStrictEqual(s3.cloud.onDefaultProvider(), []);
    });

    it("lets Transfer assume the access role only on behalf of the hub account", () => {
        const trust = parsePolicy(s3.cloud.find("aws:iam/role:Role", "drop-access").inputs.assumeRolePolicy).Statement;
        assert.deepStrictEqual(trust.map((t) => [t.Principal, t.Action, t.Condition]), [
            [{ Service: "transfer.amazonaws.com" }, "sts:AssumeRole", { StringEquals: { "aws:SourceAccount": HUB_ACCOUNT } }],
        ]);
    });

    it("grants its role this one bucket (and key) only", () => {
        const grant = statements(kms.cloud, "aws:iam/rolePolicy:RolePolicy", "drop-grant");
        assert.deepStrictEqual(grant.map((g) => g.Resource), [kms.result.bucketArn, `${kms.result.bucketArn}/*`, kms.result.kmsKeyArn]);
    });

    it("blocks all public access, enforces bucket-owner ownership and keeps versions", () => {
        const pab = s3.cloud.find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "drop").inputs;
        assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
        assert.deepStrictEqual(s3.cloud.find("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "drop").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        assert.deepStrictEqual(s3.cloud.find("aws:s3/bucketVersioning:BucketVersioning", "drop").inputs.versioningConfiguration, { status: "Enabled" });
    });

    it("encrypts with SSE-S3 by default and with its own customer-managed key, bucket key on, for kms", () => {
        const sseS3 = s3.cloud.find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "drop").inputs.rules as Record<string, unknown>[];
        assert.deepStrictEqual(sseS3, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        assert.deepStrictEqual(s3.cloud.byType("aws:kms/key:Key"), []);
        const sseKms = kms.cloud.find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "drop").inputs.rules as Record<string, unknown>[];
        assert.deepStrictEqual(sseKms, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms.result.kmsKeyArn }, bucketKeyEnabled: true }]);
        assert.strictEqual(kms.cloud.find("aws:kms/key:Key", "drop").inputs.enableKeyRotation, true);
    });

    it("spoke bucket policy names the hub role's unique id and denies requests without TLS", () => {
        const policy = statements(s3.cloud, "aws:s3/bucketPolicy:BucketPolicy", "drop");
        const allows = policy.filter((s) => s.Effect === "Allow");
        assert.ok(allows.length > 0);
        for (const allow of allows) {
            assert.deepStrictEqual(allow.Principal, { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` });
            assert.deepStrictEqual(allow.Condition?.StringLike, { "aws:userId": `${s3.result.uniqueId}:*` });
        }
        const tls = policy.find((s) => s.Effect === "Deny");
        assert.deepStrictEqual(tls?.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });

    it("renders each bucket's policy from its own role's unique id, never another's", async () => {
        const other = await deployBucket({}, "other");
        assert.notStrictEqual(other.result.uniqueId, s3.result.uniqueId);
        const policy = JSON.stringify(statements(other.cloud, "aws:s3/bucketPolicy:BucketPolicy", "other"));
        assert.ok(policy.includes(`${other.result.uniqueId}:*`));
        assert.ok(!policy.includes(s3.result.uniqueId));
    });

    it("admits the hub access role, by unique id, to the spoke's KMS key, and grants the role that key", () => {
        const keyPolicy = statements(kms.cloud, "aws:kms/key:Key", "drop");
        const hubStatements = keyPolicy.filter((s) => JSON.stringify(s.Principal).includes(HUB_ACCOUNT));
        assert.ok(hubStatements.length > 0);
        for (const s of hubStatements) assert.deepStrictEqual(s.Condition?.StringLike?.["aws:userId"], `${kms.result.uniqueId}:*`);
        const grant = statements(kms.cloud, "aws:iam/rolePolicy:RolePolicy", "drop-grant");
        assert.ok(grant.some((s) => s.Resource === kms.result.kmsKeyArn || (Array.isArray(s.Resource) && s.Resource.includes(kms.result.kmsKeyArn))));
    });

    it("works for a bucket in the hub account: TLS deny, no cross-account allow", async () => {
        const hubBucket = await deployBucket({ bucketAccountId: HUB_ACCOUNT });
        for (const r of hubBucket.cloud.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"))) {
            assert.strictEqual(hubBucket.cloud.accountOf(r), HUB_ACCOUNT, r.urn);
        }
        const policy = statements(hubBucket.cloud, "aws:s3/bucketPolicy:BucketPolicy", "drop");
        assert.deepStrictEqual(policy.map((s) => s.Effect), ["Deny"]);
    });
});
