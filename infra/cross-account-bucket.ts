import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { accessRoleBucketGrant, bucketPolicy, kmsKeyPolicy } from "./policies";

export type BucketEncryption = "s3" | "kms";

export interface CrossAccountBucketArgs {
    /** Account of this component's provider, where the bucket (and key) live. */
    bucketAccountId: pulumi.Input<string>;
    hubAccountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    partition?: pulumi.Input<string>;
    /** The hub access role (ClosedFtpServer outputs): its name takes the grant, its unique id the bucket policy. */
    accessRoleName: pulumi.Input<string>;
    accessRoleUniqueId: pulumi.Input<string>;
    /** Provider of the hub account, for the grant on the access role. */
    hubProvider: pulumi.ProviderResource;
    encryption?: BucketEncryption;
    /** Explicit S3 bucket name; otherwise derived from the component name. */
    bucketName?: pulumi.Input<string>;
}

/** A bucket in one account that the hub's access role may use: one call, two accounts. */
export class CrossAccountBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    readonly kmsKeyArn: pulumi.Output<string> | undefined;

    constructor(name: string, args: CrossAccountBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:CrossAccountBucket", name, {}, opts);
        const partition = args.partition ?? "aws";
        const encryption = args.encryption ?? "s3";

        const bucket = new aws.s3.Bucket(name, { bucket: args.bucketName }, { parent: this });
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, { parent: this });
        // The bucket's account owns every object the hub writes, so no ACL juggling across accounts.
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });

        // The aws/s3 managed key cannot be shared across accounts: SSE-KMS needs a customer-managed key.
        const key = encryption === "kms"
            ? new aws.kms.Key(name, {
                description: pulumi.interpolate`closed-ftp: SSE-KMS for bucket ${bucket.bucket}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([args.bucketAccountId, args.hubAccountId, args.accessRoleUniqueId, args.region, partition]).apply(
                    ([keyAccountId, hubAccountId, accessRoleUniqueId, region, p]) =>
                        JSON.stringify(kmsKeyPolicy({ keyAccountId, hubAccountId, accessRoleUniqueId, region, partition: p }))),
            }, { parent: this })
            : undefined;
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [key
                ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }
                : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, { parent: this });

        // RoleId, not the role ARN: a recreated role gets a new id and must not inherit the grant.
        new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.all([bucket.arn, args.bucketAccountId, args.hubAccountId, args.accessRoleUniqueId, partition]).apply(
                ([bucketArn, bucketAccountId, hubAccountId, accessRoleUniqueId, p]) =>
                    JSON.stringify(bucketPolicy({ bucketArn, bucketAccountId, hubAccountId, accessRoleUniqueId, partition: p }))),
        }, { parent: this, dependsOn: [publicAccessBlock] });

        new aws.iam.RolePolicy(`${name}-grant`, {
            role: args.accessRoleName,
            policy: pulumi.all([bucket.arn, key?.arn, partition]).apply(([bucketArn, kmsKeyArn, p]) =>
                JSON.stringify(accessRoleBucketGrant({ bucketArn, kmsKeyArn, partition: p }))),
        }, { parent: this, provider: args.hubProvider });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.kmsKeyArn = key?.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn });
    }
}
