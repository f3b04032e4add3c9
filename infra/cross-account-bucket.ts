import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { BucketLifecycle, DEFAULTS, Encryption, partitionOf, RemovalPolicy } from "./model";
import { nameTag } from "./tags";
import { ComponentNaming, roleNaming } from "./naming";
import { accessRoleBucketGrant, accessRoleTrustPolicy, bucketPolicy, kmsKeyPolicy } from "./policies";

export interface CrossAccountBucketArgs {
    /** Account of this component's provider, where the bucket (and key) live. */
    bucketAccountId: pulumi.Input<string>;
    hubAccountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** ARN partition; derived from the region when left out. */
    partition?: pulumi.Input<string>;
    /** Provider of the hub account, where this bucket's access role and its grant live. */
    hubProvider: pulumi.ProviderResource;
    encryption?: Encryption;
    /** Explicit S3 bucket name; otherwise derived from the component name. */
    bucketName?: pulumi.Input<string>;
    /** What removing this bucket (or `pulumi destroy`) may do; default `protect`: nothing. */
    removalPolicy?: RemovalPolicy;
    /** How long S3 keeps incomplete uploads, old versions and (optionally) files. */
    lifecycle?: BucketLifecycle;
    /** The stack's names: the access role under /closed-ftp/<stack>/, with the stack's permissions boundary. */
    naming?: ComponentNaming;
    /**
     * Send the bucket's events (Object Created, Object Deleted, ...) to EventBridge's default bus in
     * the bucket's account (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html).
     * The stack then owns the bucket's whole notification configuration.
     */
    eventBridge?: boolean;
}

/** The engine options of everything that holds or guards a bucket's files, for a removal policy. */
export function dataProtectionOptions(policy: RemovalPolicy): { protect: boolean; retainOnDelete: boolean } {
    return { protect: policy === "protect", retainOnDelete: policy !== "destroy" };
}

/** The bucket's lifecycle rules: incomplete uploads, old versions and their delete markers, optionally the files. */
export function lifecycleRules(lifecycle: BucketLifecycle): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const all = { prefix: "" };
    return [
        { id: "abort-incomplete-uploads", status: "Enabled", filter: all, abortIncompleteMultipartUpload: { daysAfterInitiation: lifecycle.abortIncompleteUploadsAfterDays } },
        // A delete marker with no versions left behind it is removed too (S3 allows that only without Days).
        { id: "expire-old-versions", status: "Enabled", filter: all, noncurrentVersionExpiration: { noncurrentDays: lifecycle.noncurrentVersionsExpireAfterDays }, expiration: { expiredObjectDeleteMarker: true } },
        ...(lifecycle.currentVersionsExpireAfterDays !== undefined
            ? [{ id: "expire-files", status: "Enabled", filter: all, expiration: { days: lifecycle.currentVersionsExpireAfterDays } }]
            : []),
    ];
}

/**
 * A bucket in one account and the hub access role that Transfer assumes for its users: one call,
 * two accounts. One role per bucket keeps every role far inside IAM's policy-size quotas at
 * hundreds of buckets, and a session can reach only its own bucket even before its session policy.
 */
export class CrossAccountBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    readonly kmsKeyArn: pulumi.Output<string> | undefined;
    /** The hub role Transfer assumes for this bucket's users: every user secret of this bucket names it. */
    readonly accessRoleArn: pulumi.Output<string>;
    readonly accessRoleName: pulumi.Output<string>;
    readonly accessRoleUniqueId: pulumi.Output<string>;

    constructor(name: string, args: CrossAccountBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:CrossAccountBucket", name, {}, opts);
        const partition = args.partition ?? pulumi.output(args.region).apply(partitionOf);
        const encryption = args.encryption ?? DEFAULTS.encryption;
        // Everything that holds or guards the files is protected as a set: the engine deletes dependents
        // first, so a protected bucket alone would lose its policy, its encryption and its versioning.
        const data = { parent: this, ...dataProtectionOptions(args.removalPolicy ?? DEFAULTS.removalPolicy) };

        const accessRole = new aws.iam.Role(`${name}-access`, {
            assumeRolePolicy: pulumi.output(args.hubAccountId).apply((hubAccountId) => JSON.stringify(accessRoleTrustPolicy({ hubAccountId }))),
            description: "closed-ftp: assumed by Transfer Family for the sessions of one bucket's users",
            ...roleNaming(args.naming),
            tags: nameTag(`${name}-access`),
        }, { parent: this, provider: args.hubProvider });

        // A new encryption replaces the bucket, which a protected bucket refuses before anything of it
        // changes: every other child waits for the bucket, so no grant loses its key first.
        // (Unprotected, the replace goes ahead: a bucket with a fixed name must give up its name first.)
        const bucket = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: args.removalPolicy === "destroy", tags: nameTag(name) }, {
            ...data, replacementTrigger: encryption, deleteBeforeReplace: args.bucketName !== undefined,
        });
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, data);
        // The bucket's account owns every object the hub writes, so no ACL juggling across accounts.
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, data);
        const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, data);
        // Noncurrent-version rules need versioning on first (S3 refuses them on an unversioned bucket).
        new aws.s3.BucketLifecycleConfiguration(name, { bucket: bucket.id, rules: lifecycleRules(args.lifecycle ?? DEFAULTS.lifecycle) }, { ...data, dependsOn: [versioning] });

        // The aws/s3 managed key cannot be shared across accounts: SSE-KMS needs a customer-managed key.
        const key = encryption === "kms"
            ? new aws.kms.Key(name, {
                description: pulumi.interpolate`closed-ftp: SSE-KMS for bucket ${bucket.bucket}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags: nameTag(name),
                policy: pulumi.all([args.bucketAccountId, args.hubAccountId, accessRole.uniqueId, args.region, partition]).apply(
                    ([keyAccountId, hubAccountId, accessRoleUniqueId, region, p]) =>
                        JSON.stringify(kmsKeyPolicy({ keyAccountId, hubAccountId, accessRoleUniqueId, region, partition: p }))),
            }, data)
            : undefined;
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [key
                ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }
                : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, data);

        // RoleId, not the role ARN: a recreated role gets a new id and must not inherit the grant.
        new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.all([bucket.arn, args.bucketAccountId, args.hubAccountId, accessRole.uniqueId]).apply(
                ([bucketArn, bucketAccountId, hubAccountId, accessRoleUniqueId]) =>
                    JSON.stringify(bucketPolicy({ bucketArn, bucketAccountId, hubAccountId, accessRoleUniqueId }))),
        }, { ...data, dependsOn: [publicAccessBlock] });

        // One resource holds a bucket's whole notification configuration; deleting it clears the configuration.
        if (args.eventBridge) new aws.s3.BucketNotification(name, { bucket: bucket.id, eventbridge: true }, { parent: this });

        new aws.iam.RolePolicy(`${name}-grant`, {
            role: accessRole.name,
            policy: pulumi.all([bucket.arn, key?.arn]).apply(([bucketArn, kmsKeyArn]) => JSON.stringify(accessRoleBucketGrant({ bucketArn, kmsKeyArn }))),
        }, { parent: this, provider: args.hubProvider });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.kmsKeyArn = key?.arn;
        this.accessRoleArn = accessRole.arn;
        this.accessRoleName = accessRole.name;
        this.accessRoleUniqueId = accessRole.uniqueId;
        this.registerOutputs({
            bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn,
            accessRoleArn: this.accessRoleArn, accessRoleName: this.accessRoleName, accessRoleUniqueId: this.accessRoleUniqueId,
        });
    }
}
