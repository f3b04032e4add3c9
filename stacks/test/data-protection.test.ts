// Day two: what a config change or `pulumi destroy` may do to users' files. The engine's side is read
// from its source (README "Retire, move, rename or delete a bucket"); these tests hold the program to
// the options that make the engine refuse: every data-holding resource protected, the bucket replaced
// (and so refused) on an encryption change, and everything else of the bucket waiting for the bucket.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DATA_HOLDING_TYPES } from "../../infra/model";
import { PlanRun, readStackFile, StackConfig } from "../../plan/plan";
import { planOnce } from "../../plan/test/plans";
import { PlanResource } from "../../plan/format";

const ROOT = path.resolve(__dirname, "..", "..");
const HOLDS_DATA: ReadonlySet<string> = new Set(DATA_HOLDING_TYPES);
const COMPONENT = "closed-ftp:index:CrossAccountBucket";

function withBuckets(base: StackConfig, edit: (buckets: Record<string, unknown>[]) => void): StackConfig {
    const buckets = JSON.parse(base.config["closed-ftp:buckets"]) as Record<string, unknown>[];
    edit(buckets);
    return { config: { ...base.config, "closed-ftp:buckets": JSON.stringify(buckets) }, secretKeys: base.secretKeys };
}

/** The custom resources a bucket component holds, by type. */
function childrenOf(run: PlanRun, bucket: string): Record<string, PlanResource> {
    const component = run.document.resources.find((r) => r.type === COMPONENT && r.name === `bucket-${bucket}`);
    assert.ok(component, `no bucket component bucket-${bucket}`);
    return Object.fromEntries(run.document.resources.filter((r) => r.parent === component.urn).map((r) => [`${r.type.split(":").pop()}${r.name.endsWith("-access") ? ":access" : r.name.endsWith("-grant") ? ":grant" : ""}`, r]));
}

describe("day two: changes that cannot destroy users' files", () => {
    let dev: StackConfig;
    let run: PlanRun;
    before(async () => {
        dev = readStackFile("dev", ROOT);
        run = await planOnce("dev", dev);
    });

    it("protects every resource that holds or guards a bucket's files, and keeps it in AWS even once unprotected", () => {
        const data = run.document.resources.filter((r) => HOLDS_DATA.has(r.type));
        // Three buckets of seven resources each, and the one SSE-KMS bucket's key.
        assert.strictEqual(data.length, 3 * 7 + 1);
        for (const r of data) assert.deepStrictEqual([r.name, r.protect, r.retainOnDelete], [r.name, true, true], r.urn);
        const inbox = childrenOf(run, "analytics-drop");
        assert.deepStrictEqual(Object.entries(inbox).filter(([, r]) => r.protect).map(([kind]) => kind).sort(), [
            "Bucket", "BucketLifecycleConfiguration", "BucketOwnershipControls", "BucketPolicy", "BucketPublicAccessBlock",
            "BucketServerSideEncryptionConfiguration", "BucketVersioning", "Key",
        ]);
    });

    it("costs what the README's quick start says a user, a bucket and a spoke cost", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const said = (row: string) => Number(new RegExp(`\\| ${row} \\| (\\d+):`).exec(readme)?.[1]);
        const withChildren = (type: string, name: string) => {
            const component = run.document.resources.find((r) => r.type === type && r.name === name) as PlanResource;
            return 1 + run.document.resources.filter((r) => r.parent === component.urn).length;
        };
        assert.strictEqual(said("a user"), withChildren("closed-ftp:index:FtpUser", "user-user1"));
        assert.strictEqual(said("a bucket \\(SSE-S3\\)"), withChildren(COMPONENT, "bucket-inbox"));
        // The dev stack's analytics-drop also sends its events to EventBridge: one resource more, its own row.
        const notifications = run.document.resources.filter((r) => r.type === "aws:s3/bucketNotification:BucketNotification");
        assert.deepStrictEqual(notifications.map((r) => r.name), ["bucket-analytics-drop"]);
        assert.strictEqual(said("a bucket \\(SSE-KMS\\)"), withChildren(COMPONENT, "bucket-analytics-drop") - notifications.length);
        assert.strictEqual(said("new-file events \\(`eventBridge: true`\\)"), notifications.length);
        assert.strictEqual(said("a spoke account"), run.document.resources.filter((r) => r.type === "pulumi:providers:aws" && r.name === "spoke-archive").length);
    });

    it("protects nothing else: the hub's roles, secrets and server stay free to change and to replace", () => {
        assert.deepStrictEqual(run.document.resources.filter((r) => !HOLDS_DATA.has(r.type) && (r.protect || r.retainOnDelete)).map((r) => r.urn), []);
    });

    it("replaces a bucket whose encryption changes, which its protection refuses: the encryption is the bucket's replacement trigger", () => {
        assert.strictEqual(childrenOf(run, "inbox").Bucket.replacementTrigger, "s3");
        assert.strictEqual(childrenOf(run, "analytics-drop").Bucket.replacementTrigger, "kms");
        // Every S3 name is fixed (derived from the stack and the bucket's first name, so that the deploy role
        // can name it): a replace must free the name first, and protection refuses it before anything is deleted.
        assert.match(String(childrenOf(run, "inbox").Bucket.inputs.bucket), /^closed-ftp-dev-inbox-[0-9a-f]{8}$/);
        assert.strictEqual(childrenOf(run, "inbox").Bucket.deleteBeforeReplace, true);
    });

    it("makes everything of a bucket, its users' secrets included, wait for the bucket, so a refused bucket stops them all", () => {
        const bucket = childrenOf(run, "analytics-drop");
        const waiting = Object.entries(bucket).filter(([kind]) => kind !== "Bucket" && kind !== "Role:access");
        // Its seven settings and key, and its EventBridge notification.
        assert.strictEqual(waiting.length, 9);
        for (const [kind, r] of waiting) assert.ok(r.dependencies.includes(bucket.Bucket.urn), `${kind} does not wait for the bucket`);
        for (const user of ["user-partner-a", "user-partner-b"]) {
            const version = run.document.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name === user);
            assert.ok(version?.dependencies.includes(bucket.Bucket.urn), `${user}'s secret does not wait for the bucket`);
        }
    });

    it("gives every bucket lifecycle rules: unfinished uploads after 7 days, old versions after 30, files kept", () => {
        const rules = childrenOf(run, "inbox").BucketLifecycleConfiguration.inputs.rules;
        assert.deepStrictEqual(rules, [
            { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            { id: "expire-old-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 }, expiration: { expiredObjectDeleteMarker: true } },
        ]);
        assert.ok(childrenOf(run, "inbox").BucketLifecycleConfiguration.dependencies.includes(childrenOf(run, "inbox").BucketVersioning.urn), "lifecycle waits for versioning");
    });

    describe("a person's deliberate steps", () => {
        let changed: PlanRun;
        before(async () => {
            const renamed = withBuckets(dev, ([inbox, analytics, archive]) => {
                Object.assign(inbox, { name: "landing", formerNames: ["inbox", "inbox-old"] });
                Object.assign(analytics, { removalPolicy: "retain", lifecycle: { abortIncompleteUploadsAfterDays: 2, noncurrentVersionsExpireAfterDays: 90, currentVersionsExpireAfterDays: 365 } });
                Object.assign(archive, { removalPolicy: "destroy", bucketName: "acme-archive-drop" });
            });
            // The users of a renamed bucket name it by its new name.
            const users = (JSON.parse(renamed.config["closed-ftp:users"]) as { home: string }[]).map((u) => ({ ...u, home: u.home.replace(/^inbox\//, "landing/") }));
            changed = await planOnce("dev", { config: { ...renamed.config, "closed-ftp:users": JSON.stringify(users) }, secretKeys: renamed.secretKeys });
        });

        it("renames a bucket without replacing anything: the component and every child carry their former URNs", () => {
            const landing = childrenOf(changed, "landing");
            const component = changed.document.resources.find((r) => r.type === COMPONENT && r.name === "bucket-landing") as PlanResource;
            assert.deepStrictEqual(component.aliases, ["inbox", "inbox-old"].map((n) => `urn:pulumi:dev::closed-ftp::${COMPONENT}::bucket-${n}`));
            assert.ok(landing.Bucket.aliases?.includes(`urn:pulumi:dev::closed-ftp::${COMPONENT}$aws:s3/bucket:Bucket::bucket-inbox`), JSON.stringify(landing.Bucket.aliases));
            assert.ok(landing["Role:access"].aliases?.includes(`urn:pulumi:dev::closed-ftp::${COMPONENT}$aws:iam/role:Role::bucket-inbox-access`), JSON.stringify(landing["Role:access"].aliases));
            for (const [kind, r] of Object.entries(landing)) assert.ok((r.aliases ?? []).length >= 2, `${kind} has no alias`);
            // The S3 name derives from the first of formerNames, the bucket's original name: the rename changes no input.
            assert.strictEqual(landing.Bucket.inputs.bucket, childrenOf(run, "inbox").Bucket.inputs.bucket);
            assert.strictEqual(landing.Bucket.protect, true);
        });

        it("retain: unprotected so the stack can forget them, kept in AWS, never force-emptied", () => {
            const analytics = childrenOf(changed, "analytics-drop");
            for (const r of Object.values(analytics).filter((x) => HOLDS_DATA.has(x.type))) assert.deepStrictEqual([r.name, r.protect, r.retainOnDelete], [r.name, false, true], r.type);
            assert.strictEqual(analytics.Bucket.inputs.forceDestroy, false);
        });

        it("destroy: unprotected, deleted for real, the bucket emptied of every version first", () => {
            const archive = childrenOf(changed, "archive-drop");
            for (const r of Object.values(archive).filter((x) => HOLDS_DATA.has(x.type))) assert.deepStrictEqual([r.name, r.protect, r.retainOnDelete], [r.name, false, false], r.type);
            assert.strictEqual(archive.Bucket.inputs.forceDestroy, true);
            // A fixed S3 name can be held by one bucket only: a replace frees it first.
            assert.deepStrictEqual([archive.Bucket.inputs.bucket, archive.Bucket.deleteBeforeReplace], ["acme-archive-drop", true]);
            assert.match(String(childrenOf(changed, "analytics-drop").Bucket.inputs.bucket), /^closed-ftp-dev-analytics-drop-[0-9a-f]{8}$/);
        });

        it("takes a bucket's own lifecycle: a retention period expires the files themselves", () => {
            assert.deepStrictEqual(childrenOf(changed, "analytics-drop").BucketLifecycleConfiguration.inputs.rules, [
                { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } },
                { id: "expire-old-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 90 }, expiration: { expiredObjectDeleteMarker: true } },
                { id: "expire-files", status: "Enabled", filter: { prefix: "" }, expiration: { days: 365 } },
            ]);
        });
    });
});
