// Proof by evaluation: the rendered documents, fed to an IAM simulator, allow exactly what they should.
import * as assert from "assert";
import * as p from "../policies";
import { expectOutcome, Request } from "./iam-simulate-helpers";

const HUB = "111111111111";
const SPOKE = "222222222222";
const REGION = "ap-northeast-1";
const ROLE_ID = "AROAACCESSROLE1234567";
const RECREATED_ROLE_ID = "AROARECREATEDROLE7654";
const OTHER_ROLE_ID = "AROAOTHERHUBROLE00001";
const SESSION = "partner-a.1700000000";
const ACCESS_ROLE = `arn:aws:sts::${HUB}:assumed-role/ftp-access-role/${SESSION}`;
const OTHER_ROLE = `arn:aws:sts::${HUB}:assumed-role/etl-role/job-1`;
const SPOKE_BUCKET = "arn:aws:s3:::analytics-drop-abc1234";
const HUB_BUCKET = "arn:aws:s3:::inbox-def5678";
const KEY = `arn:aws:kms:${REGION}:${SPOKE}:key/0c5f8f0e-1111-4222-8333-444455556666`;
const SERVER_ID = "s-0123456789abcdef0";

const tls = (userId = `${ROLE_ID}:${SESSION}`) => ({ "aws:SecureTransport": "true", "aws:userId": userId });
const spokeGrant = p.accessRoleBucketGrant({ bucketArn: SPOKE_BUCKET, kmsKeyArn: KEY });
const spokeBucketPolicy = p.bucketPolicy({ bucketArn: SPOKE_BUCKET, bucketAccountId: SPOKE, hubAccountId: HUB, accessRoleUniqueId: ROLE_ID });
const hubGrant = p.accessRoleBucketGrant({ bucketArn: HUB_BUCKET });
const hubBucketPolicy = p.bucketPolicy({ bucketArn: HUB_BUCKET, bucketAccountId: HUB, hubAccountId: HUB, accessRoleUniqueId: ROLE_ID });

/** A Transfer session of the access role for one user, against the spoke bucket. */
function session(prefix: string, access: p.Access, over: Partial<Request> & Pick<Request, "action" | "resource">): Request {
    return {
        principal: ACCESS_ROLE,
        resourceAccount: SPOKE,
        context: tls(),
        identityPolicies: [spokeGrant],
        sessionPolicy: p.sessionPolicy({ bucketName: "analytics-drop-abc1234", prefix, access, partition: "aws" }),
        resourcePolicy: spokeBucketPolicy,
        ...over,
    };
}

const object = (key: string) => `${SPOKE_BUCKET}/${key}`;

describe("IAM, proven by evaluation", () => {
    describe("a read-write user's session in a spoke bucket", () => {
        for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
            it(`may ${action} under its own prefix over TLS`, () => expectOutcome("Allowed", session("partner-b", "read-write", { action, resource: object("partner-b/2026/report.csv") })));
        }
        it("may list its own prefix", () => expectOutcome("Allowed", session("partner-b", "read-write", {
            action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partner-b/" },
        })));
        it("may not list another prefix", () => expectOutcome("Denied", session("partner-b", "read-write", {
            action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partner-a/" },
        })));
        it("may not list the bucket root", () => expectOutcome("Denied", session("partner-b", "read-write", {
            action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "" },
        })));
        for (const key of ["partner-a/secret.csv", "partner-b-evil/x.csv", "partner-bx/x.csv", "top-level.csv"]) {
            it(`may not read or write ${key}, outside its prefix`, async () => {
                await expectOutcome("Denied", session("partner-b", "read-write", { action: "s3:GetObject", resource: object(key) }));
                await expectOutcome("Denied", session("partner-b", "read-write", { action: "s3:PutObject", resource: object(key) }));
            });
        }
    });

    describe("a read-only user's session", () => {
        it("may list and get under its prefix", async () => {
            await expectOutcome("Allowed", session("partner-a", "read-only", { action: "s3:GetObject", resource: object("partner-a/in.csv") }));
            await expectOutcome("Allowed", session("partner-a", "read-only", { action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partner-a/" } }));
        });
        for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl"]) {
            it(`may not ${action}`, () => expectOutcome("Denied", session("partner-a", "read-only", { action, resource: object("partner-a/in.csv") })));
        }
    });

    // Shared and nested homes: each session policy confines its user to its own prefix and access,
    // whoever else shares or encloses that prefix. "partner-a" is no prefix of "partner-ab/".
    describe("shared and nested homes: each user reaches exactly its own home, with its own access", () => {
        const cases: [string, string, p.Access, string, string, "Allowed" | "Denied"][] = [
            ["partner-a", "partner-a", "read-write", "s3:GetObject", "partner-ab/x.csv", "Denied"],
            ["partner-a", "partner-a", "read-write", "s3:PutObject", "partner-ab/x.csv", "Denied"],
            ["partner-ab", "partner-ab", "read-write", "s3:GetObject", "partner-a/x.csv", "Denied"],
            ["partner-ab", "partner-ab", "read-write", "s3:PutObject", "partner-ab/x.csv", "Allowed"],
            // A read-only auditor in a writer's folder: reads what the writer writes, writes nothing.
            ["auditor of partner-a", "partner-a", "read-only", "s3:GetObject", "partner-a/x.csv", "Allowed"],
            ["auditor of partner-a", "partner-a", "read-only", "s3:PutObject", "partner-a/x.csv", "Denied"],
            ["auditor of partner-a", "partner-a", "read-only", "s3:DeleteObject", "partner-a/x.csv", "Denied"],
            ["writer of partner-a", "partner-a", "read-write", "s3:DeleteObject", "partner-a/x.csv", "Allowed"],
            // A reader of a parent prefix: every child's files, no writes; each child stays in its own.
            ["reader of partners", "partners", "read-only", "s3:GetObject", "partners/x/report.csv", "Allowed"],
            ["reader of partners", "partners", "read-only", "s3:GetObject", "partners/y/report.csv", "Allowed"],
            ["reader of partners", "partners", "read-only", "s3:PutObject", "partners/x/report.csv", "Denied"],
            ["reader of partners", "partners", "read-only", "s3:GetObject", "partners-archive/report.csv", "Denied"],
            ["child partners/x", "partners/x", "read-write", "s3:GetObject", "partners/y/report.csv", "Denied"],
            ["child partners/x", "partners/x", "read-write", "s3:GetObject", "partners/parent-level.csv", "Denied"],
            ["child partners/x", "partners/x", "read-write", "s3:PutObject", "partners/x/report.csv", "Allowed"],
        ];
        for (const [who, prefix, access, action, key, outcome] of cases) {
            it(`${who} (${access} on ${prefix}/): ${action} ${key} is ${outcome}`, () => expectOutcome(outcome, session(prefix, access, { action, resource: object(key) })));
        }
        it("lists only its own prefix: partner-a may not list partner-ab/, the parent reader lists its children", async () => {
            await expectOutcome("Denied", session("partner-a", "read-write", { action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partner-ab/" } }));
            await expectOutcome("Allowed", session("partners", "read-only", { action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partners/x/" } }));
            await expectOutcome("Denied", session("partners/x", "read-write", { action: "s3:ListBucket", resource: SPOKE_BUCKET, context: { ...tls(), "s3:prefix": "partners/y/" } }));
        });
    });

    describe("TLS", () => {
        it("refuses a request without TLS to a spoke bucket, explicitly", () => expectOutcome("ExplicitlyDenied", session("partner-b", "read-write", {
            action: "s3:GetObject", resource: object("partner-b/x.csv"), context: { ...tls(), "aws:SecureTransport": "false" },
        })));
        it("refuses a request without TLS to a hub bucket, explicitly", () => expectOutcome("ExplicitlyDenied", {
            principal: ACCESS_ROLE, resourceAccount: HUB, action: "s3:PutObject", resource: `${HUB_BUCKET}/user1/x.csv`,
            context: { "aws:SecureTransport": "false", "aws:userId": `${ROLE_ID}:${SESSION}` },
            identityPolicies: [hubGrant], sessionPolicy: p.sessionPolicy({ bucketName: "inbox-def5678", prefix: "user1", access: "read-write", partition: "aws" }), resourcePolicy: hubBucketPolicy,
        }));
        it("lets the same request through a hub bucket with TLS", () => expectOutcome("Allowed", {
            principal: ACCESS_ROLE, resourceAccount: HUB, action: "s3:PutObject", resource: `${HUB_BUCKET}/user1/x.csv`, context: tls(),
            identityPolicies: [hubGrant], sessionPolicy: p.sessionPolicy({ bucketName: "inbox-def5678", prefix: "user1", access: "read-write", partition: "aws" }), resourcePolicy: hubBucketPolicy,
        }));
    });

    describe("the spoke bucket policy", () => {
        it("refuses another role of the hub account, even one whose own policy allows the bucket", () => expectOutcome("Denied", {
            principal: OTHER_ROLE, resourceAccount: SPOKE, action: "s3:GetObject", resource: object("partner-b/x.csv"),
            context: tls(`${OTHER_ROLE_ID}:job-1`), identityPolicies: [spokeGrant], resourcePolicy: spokeBucketPolicy,
        }));
        it("refuses the access role once recreated with a new RoleId", () => expectOutcome("Denied", session("partner-b", "read-write", {
            action: "s3:GetObject", resource: object("partner-b/x.csv"), context: tls(`${RECREATED_ROLE_ID}:${SESSION}`),
        })));
        it("admits the recreated role once the policy is rendered from its new unique id", () => expectOutcome("Allowed", session("partner-b", "read-write", {
            action: "s3:GetObject", resource: object("partner-b/x.csv"), context: tls(`${RECREATED_ROLE_ID}:${SESSION}`),
            resourcePolicy: p.bucketPolicy({ bucketArn: SPOKE_BUCKET, bucketAccountId: SPOKE, hubAccountId: HUB, accessRoleUniqueId: RECREATED_ROLE_ID }),
        })));
        it("needs the hub role's own grant too: the bucket policy alone is not enough across accounts", () => expectOutcome("Denied", session("partner-b", "read-write", {
            action: "s3:GetObject", resource: object("partner-b/x.csv"), identityPolicies: [],
        })));
    });

    describe("SSE-KMS buckets: every call is role ∩ session policy ∩ bucket policy (S3) or key policy (KMS)", () => {
        const viaS3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com` };
        const HUB_KEY = `arn:aws:kms:${REGION}:${HUB}:key/1d6a9f0e-2222-4333-8444-555566667777`;
        const OTHER_KEY = `arn:aws:kms:${REGION}:${SPOKE}:key/9e9e9e9e-3333-4444-8555-666677778888`;
        const homes = {
            spoke: { account: SPOKE, bucketArn: SPOKE_BUCKET, bucketName: "analytics-drop-abc1234", key: KEY },
            hub: { account: HUB, bucketArn: HUB_BUCKET, bucketName: "inbox-def5678", key: HUB_KEY },
        };
        type Home = (typeof homes)[keyof typeof homes];
        const documents = (home: Home) => ({
            grant: p.accessRoleBucketGrant({ bucketArn: home.bucketArn, kmsKeyArn: home.key }),
            bucketPolicy: p.bucketPolicy({ bucketArn: home.bucketArn, bucketAccountId: home.account, hubAccountId: HUB, accessRoleUniqueId: ROLE_ID }),
            keyPolicy: p.kmsKeyPolicy({ keyAccountId: home.account, hubAccountId: HUB, accessRoleUniqueId: ROLE_ID, region: REGION }),
        });
        /** A user's session against its KMS bucket: S3 calls meet the bucket policy, KMS calls the key policy. */
        const kmsSession = (home: Home, access: p.Access, action: string, resource: string, context: Record<string, string> = {}): Request => {
            const d = documents(home);
            const isKms = action.startsWith("kms:");
            return {
                principal: ACCESS_ROLE, resourceAccount: home.account, action, resource,
                context: { ...tls(), ...(isKms ? viaS3 : {}), ...context },
                identityPolicies: [d.grant],
                sessionPolicy: p.sessionPolicy({ bucketName: home.bucketName, prefix: "partner-k", access, kmsKeyArn: home.key, partition: "aws" }),
                resourcePolicy: isKms ? d.keyPolicy : d.bucketPolicy,
            };
        };
        // What S3 asks of KMS for each transfer: a put generates a data key, a get decrypts one.
        const transfers: [string, string, string][] = [["put", "s3:PutObject", "kms:GenerateDataKey"], ["get", "s3:GetObject", "kms:Decrypt"]];
        for (const [where, home] of Object.entries(homes)) {
            for (const [verb, s3Action, kmsAction] of transfers) {
                it(`lets a read-write user ${verb} in a ${where} KMS bucket: ${s3Action} and ${kmsAction} on its key`, async () => {
                    await expectOutcome("Allowed", kmsSession(home, "read-write", s3Action, `${home.bucketArn}/partner-k/f.csv`));
                    await expectOutcome("Allowed", kmsSession(home, "read-write", kmsAction, home.key));
                });
            }
            it(`lets a read-write user list its home in a ${where} KMS bucket`, () => expectOutcome("Allowed",
                kmsSession(home, "read-write", "s3:ListBucket", home.bucketArn, { "s3:prefix": "partner-k/" })));
            it(`lets a read-only user get and list in a ${where} KMS bucket, decrypting with its key`, async () => {
                await expectOutcome("Allowed", kmsSession(home, "read-only", "s3:GetObject", `${home.bucketArn}/partner-k/f.csv`));
                await expectOutcome("Allowed", kmsSession(home, "read-only", "kms:Decrypt", home.key));
                await expectOutcome("Allowed", kmsSession(home, "read-only", "s3:ListBucket", home.bucketArn, { "s3:prefix": "partner-k/" }));
            });
            it(`refuses a read-only user's put in a ${where} KMS bucket, in S3 and in KMS`, async () => {
                await expectOutcome("Denied", kmsSession(home, "read-only", "s3:PutObject", `${home.bucketArn}/partner-k/f.csv`));
                await expectOutcome("Denied", kmsSession(home, "read-only", "kms:GenerateDataKey", home.key));
            });
            it(`gives a ${where} KMS bucket's user nothing on any other key, even one its role may use`, () => {
                const over = kmsSession(home, "read-write", "kms:Decrypt", OTHER_KEY);
                const roleWithBoth = { ...over, identityPolicies: [p.accessRoleBucketGrant({ bucketArn: home.bucketArn, kmsKeyArn: OTHER_KEY })],
                    resourcePolicy: p.kmsKeyPolicy({ keyAccountId: SPOKE, hubAccountId: HUB, accessRoleUniqueId: ROLE_ID, region: REGION }) };
                return expectOutcome("Denied", roleWithBoth);
            });
        }
        it("a KMS bucket's user fails to put without the key in its session policy (the bug this statement fixes)", () => expectOutcome("Denied", {
            ...kmsSession(homes.spoke, "read-write", "kms:GenerateDataKey", KEY),
            sessionPolicy: p.sessionPolicy({ bucketName: homes.spoke.bucketName, prefix: "partner-k", access: "read-write", partition: "aws" }),
        }));
        it("refuses another hub role the spoke key", () => expectOutcome("Denied", {
            principal: OTHER_ROLE, resourceAccount: SPOKE, action: "kms:Decrypt", resource: KEY, context: { ...tls(`${OTHER_ROLE_ID}:job-1`), ...viaS3 },
            identityPolicies: [spokeGrant], resourcePolicy: documents(homes.spoke).keyPolicy,
        }));
        it("refuses a session calling the key directly, not through S3", () => expectOutcome("Denied",
            kmsSession(homes.spoke, "read-write", "kms:Decrypt", KEY, { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` })));
        it("refuses key administration to a session, even with a greedy role", () => expectOutcome("Denied", {
            ...kmsSession(homes.spoke, "read-write", "kms:ScheduleKeyDeletion", KEY),
            identityPolicies: [{ Version: "2012-10-17", Statement: [{ Sid: "Greedy", Effect: "Allow", Action: "kms:ScheduleKeyDeletion", Resource: KEY }] }],
        }));
    });

    describe("the IdP role", () => {
        const idp = p.idpSecretReadPolicy({ region: REGION, accountId: HUB, serverId: SERVER_ID });
        const read = (secret: string) => ({
            principal: `arn:aws:sts::${HUB}:assumed-role/ftp-idp-role/ftp-idp`, resourceAccount: HUB, action: "secretsmanager:GetSecretValue",
            resource: `arn:aws:secretsmanager:${REGION}:${HUB}:secret:${secret}`, context: { "aws:SecureTransport": "true" }, identityPolicies: [idp],
        });
        it("reads its own server's user secrets", () => expectOutcome("Allowed", read(`aws/transfer/${SERVER_ID}/user1-AbCdEf`)));
        for (const secret of ["aws/transfer/s-0fedcba9876543210/user1-AbCdEf", "aws/transfer/other-AbCdEf", "prod/database-AbCdEf"]) {
            it(`may not read ${secret}`, () => expectOutcome("Denied", read(secret)));
        }
    });

    describe("the access role's trust", () => {
        const trust = p.accessRoleTrustPolicy({ hubAccountId: HUB });
        const assume = (principal: string, sourceAccount: string) => ({
            principal, resourceAccount: HUB, action: "sts:AssumeRole", resource: `arn:aws:iam::${HUB}:role/ftp-access-role`,
            context: { "aws:SourceAccount": sourceAccount, "aws:SecureTransport": "true" }, resourcePolicy: trust,
        });
        it("admits Transfer acting for the hub account", () => expectOutcome("Allowed", assume("transfer.amazonaws.com", HUB)));
        it("refuses Transfer acting for another account (confused deputy)", () => expectOutcome("Denied", assume("transfer.amazonaws.com", SPOKE)));
        it("refuses another service", () => expectOutcome("Denied", assume("lambda.amazonaws.com", HUB)));
    });
});

describe("IAM documents", () => {
    const all: [string, p.PolicyDocument][] = [
        ["access trust", p.accessRoleTrustPolicy({ hubAccountId: HUB })],
        ["grant", spokeGrant],
        ["lambda trust", p.lambdaTrustPolicy({ accountId: HUB })],
        ["idp secrets", p.idpSecretReadPolicy({ region: REGION, accountId: HUB, serverId: SERVER_ID })],
        ["idp logs", p.idpLogsPolicy({ region: REGION, accountId: HUB, logGroupName: "ftp-idp-logs-1234567" })],
        ["spoke bucket", spokeBucketPolicy],
        ["hub bucket", hubBucketPolicy],
        ["session", JSON.parse(p.sessionPolicy({ bucketName: "b-123", prefix: "u", access: "read-write", partition: "aws" }))],
    ];

    it("never grant s3:* or a wildcard action, and never put S3 or Secrets Manager grants on Resource *", () => {
        for (const [name, doc] of all) {
            for (const s of doc.Statement.filter((st) => st.Effect === "Allow")) {
                // An Allow names its actions: never NotAction.
                assert.strictEqual(s.NotAction, undefined, `${name}/${s.Sid}`);
                const actions = [s.Action ?? []].flat();
                assert.ok(!actions.some((a) => a.includes("*")), `${name}/${s.Sid} grants ${actions}`);
                if (actions.some((a) => a.startsWith("s3:") || a.startsWith("secretsmanager:"))) assert.notDeepStrictEqual(s.Resource, "*", `${name}/${s.Sid}`);
            }
            const sids = doc.Statement.map((s) => s.Sid);
            assert.strictEqual(new Set(sids).size, sids.length, `${name} repeats a Sid`);
        }
    });

    // The S3 actions of AWS's Transfer access-role example (https://docs.aws.amazon.com/transfer/latest/userguide/requirements-roles.html), never s3:*.
    it("grant exactly Transfer's S3 actions to the access role", () => {
        assert.deepStrictEqual([...p.TRANSFER_BUCKET_ACTIONS].sort(), ["s3:GetBucketLocation", "s3:ListBucket"]);
        assert.deepStrictEqual([...p.TRANSFER_OBJECT_ACTIONS].sort(), [
            "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion",
            "s3:GetObjectVersionTagging", "s3:PutObject", "s3:PutObjectAcl",
        ]);
    });

    it("refuse a session policy over Transfer's 2048 characters, naming the input", () => {
        assert.throws(() => p.sessionPolicy({ bucketName: "b-123", prefix: "p".repeat(700), access: "read-write", partition: "aws" }), /session policy for bucket "b-123" .* is \d+ characters; Transfer accepts at most 2048/);
    });

    it("refuse prefixes that would widen a grant", () => {
        for (const prefix of ["", "/abs", "trail/", "a//b", "a/../b", "wild*", "q?", "$var"]) {
            assert.throws(() => p.sessionPolicy({ bucketName: "b-123", prefix, access: "read-only", partition: "aws" }), new RegExp(`prefix "${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
        }
    });

    it("refuse malformed ids instead of rendering a policy that matches nothing or everything", () => {
        assert.throws(() => p.bucketPolicy({ bucketArn: SPOKE_BUCKET, bucketAccountId: SPOKE, hubAccountId: HUB, accessRoleUniqueId: "*" }), /accessRoleUniqueId "\*" is not an IAM role unique id/);
        assert.throws(() => p.idpSecretReadPolicy({ region: REGION, accountId: HUB, serverId: "*" }), /serverId "\*" is not a Transfer server id/);
        assert.throws(() => p.accessRoleBucketGrant({ bucketArn: "arn:aws:s3:::b/*" }), /bucketArn .* is not an S3 bucket ARN/);
    });
});
