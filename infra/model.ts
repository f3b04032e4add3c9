// The domain, written once: the words of a closed-ftp deployment (access, protocols, encryption,
// endpoints), the rules of AWS's identifiers, the defaults, and the ports and quotas the design
// stands on. Components, program, config schema, smoke test, mock cloud and policy pack import it;
// the IdP keeps its own small module (idp-lambda/transfer-names.ts), re-exported here.
// Pure: no Pulumi, no schema library, so the policy pack can load it under Pulumi's runner.

// Transfer's naming rules live with the Lambda, the lowest layer that needs them.
export { IAM_ROLE_ARN, MIN_PASSWORD_LENGTH, secretNameFor, TRANSFER_SERVER_ID, TRANSFER_USER_NAME } from "../idp-lambda/transfer-names";

/** What a user may do under its home. */
export const ACCESS_LEVELS = ["read-write", "read-only"] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** What the server speaks: FTP and FTPS only (SFTP needs none of a closed network's FTP workarounds). */
export const PROTOCOLS = ["FTP", "FTPS"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** How a bucket is encrypted: SSE-S3, or SSE-KMS with a customer-managed key in the bucket's account. */
export const ENCRYPTIONS = ["s3", "kms"] as const;
export type Encryption = (typeof ENCRYPTIONS)[number];

/**
 * What a config change or `pulumi destroy` may do to a bucket and what guards its files (README
 * "Retire, move, rename or delete a bucket"): `protect` refuses it (the engine's protection error) and
 * keeps everything in AWS even if a person unprotects by hand; `retain` lets the stack forget them and
 * leaves them in AWS; `destroy` deletes them, objects and all.
 */
export const REMOVAL_POLICIES = ["protect", "retain", "destroy"] as const;
export type RemovalPolicy = (typeof REMOVAL_POLICIES)[number];

/**
 * The resource types that hold or guard users' files: each bucket's own settings and its KMS key. The
 * bucket component protects them as a set and the data-is-protected guardrail refuses one unprotected.
 */
export const DATA_HOLDING_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:kms/key:Key",
] as const;

/** How long S3 keeps what users no longer see, per bucket (S3 lifecycle rules). */
export interface BucketLifecycle {
    /** Parts of an upload that never completed are removed this many days after it started. */
    abortIncompleteUploadsAfterDays: number;
    /** A version overwritten or deleted (an FTP STOR over a file, DELE, RNFR/RNTO) is removed this many days later. */
    noncurrentVersionsExpireAfterDays: number;
    /** Files themselves expire this many days after they were written; absent: kept until deleted. */
    currentVersionsExpireAfterDays?: number;
}

/** The interface endpoints a closed VPC needs: STS for Transfer's role sessions, Secrets Manager for a VPC-attached IdP. */
export const ENDPOINT_SERVICES = ["sts", "secretsmanager"] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number];

/** The account key of the hub in the stack model (spoke keys are the config's own). */
export const HUB_KEY = "hub";

/**
 * The tag a server carries naming the STS endpoint it reuses: reads never reach a policy pack
 * (https://github.com/pulumi/pulumi/issues/3950), so the STS guardrail finds a reused endpoint here.
 */
export const REUSED_STS_ENDPOINT_TAG = "closed-ftp:reused-sts-endpoint";

/** FTP control and the passive data range (FTP/FTPS on Transfer are passive-only). */
export const FTP_CONTROL_PORT = 21;
export const FTP_PASSIVE_PORTS = { from: 8192, to: 8200 } as const;

/** A current Transfer security policy (TLS 1.2+, no legacy ciphers); it matters for FTPS. */
export const DEFAULT_SECURITY_POLICY = "TransferSecurityPolicy-2024-01";

/** Every default a user can leave out, in one place. */
export const DEFAULTS = {
    protocols: ["FTP"] as Protocol[],
    passiveIp: "AUTO",
    idpVpcAttached: true,
    logRetentionDays: 90,
    securityPolicyName: DEFAULT_SECURITY_POLICY,
    access: "read-write" as Access,
    encryption: "s3" as Encryption,
    availabilityZones: 2,
    secretCacheTtlSeconds: 30,
    passwordVersion: 1,
    removalPolicy: "protect" as RemovalPolicy,
    // A week covers a partner's retry of a broken upload; 30 days of old versions is a month to notice
    // and restore an overwrite or DELE, as long as the 30-day window AWS gives a KMS key in deletion.
    lifecycle: { abortIncompleteUploadsAfterDays: 7, noncurrentVersionsExpireAfterDays: 30 } as BucketLifecycle,
} as const;

/**
 * The test client (closed-ftp:testClient): the seeds' Client-VPC. Amazon Linux 2023 by AWS's own
 * image name (owner amazon), reached by Run Command through the SSM endpoints, lftp from the
 * distribution's repository, which sits in an S3 bucket reached through a gateway endpoint.
 */
export const TEST_CLIENT = {
    cidrBlock: "10.254.0.0/24",
    instanceType: "t3.micro",
    /** AL2023's standard AMI names (the minimal and ECS images are named otherwise): al2023-ami-2023.<version>-kernel-<k>-x86_64. */
    amiNamePattern: "al2023-ami-2023.*-kernel-*-x86_64",
    /**
     * Systems Manager's interface endpoints for an instance without internet access; ec2messages is for
     * SSM Agent before 3.3.40.0 only (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html).
     */
    ssmEndpoints: ["ssm", "ssmmessages"] as const,
    volumeSizeGiB: 8,
} as const;

/** The S3 bucket of AL2023's package repositories in a region, which dnf reads anonymously through the gateway endpoint. */
export function al2023RepositoryBucket(region: string): string {
    return `al2023-repos-${region}-de612dc2`;
}

/**
 * Services that assume a role handed to them by iam:PassRole in the role's own account, and that put
 * no aws:SourceAccount in that request: a condition on it would make the role unusable, and PassRole
 * (which cannot cross accounts) is what stops another account's use. EC2 instance profiles only.
 */
export const PASSED_ROLE_SERVICES = ["ec2.amazonaws.com"] as const;

/** The widest client range accepted per family: a closed service names its client networks, not the internet. */
export const WIDEST_CLIENT_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** The only AWS managed policies a role of this stack may carry: the VPC-attached IdP's network interfaces. */
export const ALLOWED_AWS_MANAGED_POLICIES = ["service-role/AWSLambdaVPCAccessExecutionRole"] as const;

/** Identifier rules. */
export const ACCOUNT_ID = /^\d{12}$/;
/** An availability zone id (apne1-az1, use1-az6): the same physical zone in every account, unlike a zone name. */
export const AVAILABILITY_ZONE_ID = /^[a-z]{2,5}\d-az\d{1,2}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
/** Any ARN in a partition Transfer runs in. */
export const ARN = /^arn:(aws|aws-cn|aws-us-gov):/;

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** Why S3 would refuse a bucket name (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters";
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return "may hold only lowercase letters, digits, dots and dashes, starting and ending with a letter or digit";
    if (name.includes("..")) return "may not contain two dots in a row";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "may not look like an IP address";
    const reservedPrefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
    const reservedSuffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((p) => name.endsWith(p));
    if (reservedPrefix || reservedSuffix) return `uses the prefix or suffix "${reservedPrefix ?? reservedSuffix}", which S3 reserves`;
    return undefined;
}

/** Why Secrets Manager would refuse a secret name (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html), or undefined. */
export function secretsmanagerSecretNameProblem(name: string): string | undefined {
    if (name.length < 1 || name.length > 512) return "must be 1 to 512 characters";
    if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) return "may hold only ASCII letters, digits and /_+=.@-";
    return undefined;
}

/**
 * Transfer's login banners: printable ASCII, tabs and line breaks, at most 4096 characters
 * (https://docs.aws.amazon.com/transfer/latest/APIReference/API_CreateServer.html). SFTP shows no
 * post-authentication banner; FTP and FTPS show both.
 */
export const BANNER_MAX_LENGTH = 4096;
export const BANNER_PATTERN = /^[\t\n\v\f\r -~]*$/;

/** A Route 53 hosted zone id (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html): at most 32 characters. */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** An SNS topic ARN: partition, region, account, name (1-256 of letters, digits, - and _). */
export const SNS_TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/**
 * Why Route 53 would refuse a record name, or why it cannot name the endpoint, or undefined
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html): labels of 1 to
 * 63 characters, 255 in all with the final dot. Written as Route 53 answers it: lowercase, no final
 * dot, no wildcard (a client connects to one name).
 */
export function dnsNameProblem(name: string): string | undefined {
    if (name.endsWith(".")) return "ends with a dot: write the name without it";
    if (name !== name.toLowerCase()) return `has capitals: Route 53 names are lowercase, write ${name.toLowerCase()}`;
    if (name.length + 1 > 255) return "is longer than 254 characters (Route 53 takes 255 with the final dot)";
    const labels = name.split(".");
    if (labels.length < 2) return "is a single label: name a host in the zone, like ftp.corp.example.com";
    if (labels.includes("*")) return "is a wildcard: the endpoint needs one name";
    const bad = labels.find((l) => l.length === 0 || l.length > 63 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(l));
    if (bad !== undefined) return `has the label "${bad}": each label is 1 to 63 of a-z, 0-9 and -, not starting or ending with -`;
    return undefined;
}

/** Whether a certificate name (a domain or a *. wildcard, RFC 6125 §6.4.3: one leftmost label) covers a host name. */
export function certificateNameCovers(certificateName: string, host: string): boolean {
    const name = certificateName.toLowerCase().replace(/\.$/, "");
    if (!name.startsWith("*.")) return name === host;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** The tag keys closed-ftp sets itself: the deploy roles' conditions and the console's names depend on them. */
export const RESERVED_TAG_KEYS = ["Project", "Stack", "Account", "Name"] as const;
/** Prefixes reserved by AWS (aws:), by Transfer's system tags (transfer:) and by closed-ftp. */
export const RESERVED_TAG_PREFIXES = ["aws:", "transfer:", "closed-ftp:"] as const;
/**
 * AWS takes 50 tags a resource; closed-ftp sets at most seven on one: Project, Stack, Account, Name,
 * and on the server its reused-endpoint tag and Transfer's two custom-hostname tags.
 */
export const MAX_ORGANISATION_TAGS = 43;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Why a key of closed-ftp:tags cannot be one, or undefined (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
export function tagKeyProblem(key: string): string | undefined {
    const reserved = RESERVED_TAG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (reserved) return `"${key}" is reserved: closed-ftp sets ${RESERVED_TAG_KEYS.join(", ")} on every resource, and the deploy roles' conditions read them`;
    const prefix = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
    if (prefix) return `"${key}" starts with "${prefix}", which ${prefix === "aws:" ? "AWS reserves" : prefix === "transfer:" ? "Transfer reserves for its system tags" : "closed-ftp reserves"}`;
    if (key.length < 1 || key.length > 128) return `"${key}" must be 1 to 128 characters`;
    if (!TAG_TEXT.test(key) || key.trim() !== key) return `"${key}" may hold only letters, digits, spaces and _ . : / = + - @, and no space at either end`;
    return undefined;
}

export function tagValueProblem(value: string): string | undefined {
    if (value.length > 256) return "must be at most 256 characters";
    if (!TAG_TEXT.test(value)) return "may hold only letters, digits, spaces and _ . : / = + - @";
    return undefined;
}
