// Every IAM document closed-ftp deploys, rendered by plain functions (no Pulumi) so each can be
// evaluated and tested on its own. Least privilege: never `s3:*`, never `Resource: "*"` where an ARN exists.

import { Access, ACCOUNT_ID, al2023RepositoryBucket, partitionOf, TRANSFER_SERVER_ID } from "./model";

export type { Access };

type ConditionValue = string | string[] | boolean;

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: { Service: string } | { AWS: string | string[] } | "*";
    Action?: string | string[];
    /** Only in a Deny: everything but these (an Allow never grants by exclusion). */
    NotAction?: string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, ConditionValue>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** What Transfer Family needs on a bucket for a user's home. */
export const TRANSFER_BUCKET_ACTIONS: readonly string[] = ["s3:ListBucket", "s3:GetBucketLocation"];

/** What Transfer Family needs on objects; the ACL actions only matter across accounts. */
export const TRANSFER_OBJECT_ACTIONS: readonly string[] = [
    "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObjectVersion",
    "s3:GetObjectAcl", "s3:PutObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
];

const OBJECT_READ_ACTIONS: readonly string[] = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"];
const OBJECT_WRITE_ACTIONS: readonly string[] = ["s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject", "s3:DeleteObjectVersion"];

/** What the access role may do with a spoke's customer-managed key for SSE-KMS. */
export const KMS_DATA_ACTIONS: readonly string[] = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

/** Transfer applies at most this many characters of session policy. */
export const SESSION_POLICY_MAX_LENGTH = 2048;

const ROLE_UNIQUE_ID = /^AROA[A-Z0-9]{12,}$/;
const KMS_KEY_ARN = /^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const SERVER_ID = TRANSFER_SERVER_ID;

function requireMatch(what: string, value: string, rule: RegExp, ruleText: string): void {
    if (!rule.test(value)) throw new Error(`${what} "${value}" is not ${ruleText}`);
}

function document(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

function bucketName(bucketArn: string): string {
    const match = /^arn:[\w-]+:s3:::([^/]+)$/.exec(bucketArn);
    if (!match) throw new Error(`bucketArn "${bucketArn}" is not an S3 bucket ARN (arn:<partition>:s3:::<bucket>)`);
    return match[1];
}

function transferTrust(accountId: string): PolicyDocument {
    requireMatch("hubAccountId", accountId, ACCOUNT_ID, "a 12-digit account id");
    return document({
        Sid: "TransferFromThisAccount",
        Effect: "Allow",
        Principal: { Service: "transfer.amazonaws.com" },
        Action: "sts:AssumeRole",
        // Confused-deputy guard: only Transfer acting for this account may assume the role.
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
}

/**
 * Trust of a bucket's access role: Transfer, on behalf of the hub account only.
 * aws:SourceAccount is the guard; an aws:SourceArn condition would have to match the per-user
 * ARNs Transfer sends for sessions, whose shape differs by identity-provider type.
 */
export function accessRoleTrustPolicy(a: { hubAccountId: string }): PolicyDocument {
    return transferTrust(a.hubAccountId);
}

/** A bucket access role's identity grant: its ONE bucket (and that bucket's key, for SSE-KMS). */
export function accessRoleBucketGrant(a: { bucketArn: string; kmsKeyArn?: string }): PolicyDocument {
    bucketName(a.bucketArn);
    const statements: PolicyStatement[] = [
        { Sid: "ListAndLocateBucket", Effect: "Allow", Action: [...TRANSFER_BUCKET_ACTIONS], Resource: a.bucketArn },
        { Sid: "ReadWriteObjects", Effect: "Allow", Action: [...TRANSFER_OBJECT_ACTIONS], Resource: `${a.bucketArn}/*` },
    ];
    if (a.kmsKeyArn !== undefined) {
        requireKeyArn(a.kmsKeyArn);
        statements.push({ Sid: "UseBucketKey", Effect: "Allow", Action: [...KMS_DATA_ACTIONS], Resource: a.kmsKeyArn });
    }
    return document(...statements);
}

/** Trust of the IdP Lambda's role. */
export function lambdaTrustPolicy(a: { accountId: string }): PolicyDocument {
    requireMatch("accountId", a.accountId, ACCOUNT_ID, "a 12-digit account id");
    return document({
        Sid: "LambdaFromThisAccount",
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": a.accountId } },
    });
}

/** The IdP may read its own server's user secrets and nothing else (the seed reads every aws/transfer/*). */
export function idpSecretReadPolicy(a: { partition?: string; region: string; accountId: string; serverId: string }): PolicyDocument {
    requireMatch("serverId", a.serverId, SERVER_ID, "a Transfer server id (s- and 17 hex)");
    requireMatch("accountId", a.accountId, ACCOUNT_ID, "a 12-digit account id");
    return document({
        Sid: "ReadThisServersUsers",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: `arn:${a.partition ?? partitionOf(a.region)}:secretsmanager:${a.region}:${a.accountId}:secret:aws/transfer/${a.serverId}/*`,
    });
}

function logGroupArn(a: { partition?: string; region: string; accountId: string; logGroupName: string }): string {
    return `arn:${a.partition ?? partitionOf(a.region)}:logs:${a.region}:${a.accountId}:log-group:${a.logGroupName}`;
}

/** The IdP Lambda writes its own log group only (created beforehand, so no logs:CreateLogGroup). */
export function idpLogsPolicy(a: { partition?: string; region: string; accountId: string; logGroupName: string }): PolicyDocument {
    return document({
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn(a)}:*`,
    });
}

/**
 * A bucket's policy: always deny requests without TLS; for a bucket outside the hub, admit the
 * hub's root only when the caller is a session of the access role (aws:userId "<RoleId>:*").
 * RoleId, not the role ARN: a recreated role gets a new id and must not inherit the grant.
 */
export function bucketPolicy(a: { bucketArn: string; bucketAccountId: string; hubAccountId: string; accessRoleUniqueId: string }): PolicyDocument {
    bucketName(a.bucketArn);
    requireMatch("bucketAccountId", a.bucketAccountId, ACCOUNT_ID, "a 12-digit account id");
    requireMatch("hubAccountId", a.hubAccountId, ACCOUNT_ID, "a 12-digit account id");
    const statements: PolicyStatement[] = [{
        Sid: "DenyWithoutTls",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Resource: [a.bucketArn, `${a.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    }];
    if (a.bucketAccountId !== a.hubAccountId) {
        requireMatch("accessRoleUniqueId", a.accessRoleUniqueId, ROLE_UNIQUE_ID, "an IAM role unique id (AROA…)");
        // The hub is in the bucket's partition: read it off the bucket's ARN.
        const hubRoot = { AWS: `arn:${a.bucketArn.split(":")[1]}:iam::${a.hubAccountId}:root` };
        const onlyAccessRole = { StringLike: { "aws:userId": `${a.accessRoleUniqueId}:*` } };
        statements.push(
            { Sid: "HubAccessRoleListsBucket", Effect: "Allow", Principal: hubRoot, Action: [...TRANSFER_BUCKET_ACTIONS], Resource: a.bucketArn, Condition: onlyAccessRole },
            { Sid: "HubAccessRoleUsesObjects", Effect: "Allow", Principal: hubRoot, Action: [...TRANSFER_OBJECT_ACTIONS], Resource: `${a.bucketArn}/*`, Condition: onlyAccessRole },
        );
    }
    return document(...statements);
}

/** The spoke key's policy: the spoke administers it; the hub's access role may only use it, and only through S3. */
export function kmsKeyPolicy(a: { keyAccountId: string; hubAccountId: string; accessRoleUniqueId: string; region: string; partition?: string }): PolicyDocument {
    requireMatch("keyAccountId", a.keyAccountId, ACCOUNT_ID, "a 12-digit account id");
    requireMatch("hubAccountId", a.hubAccountId, ACCOUNT_ID, "a 12-digit account id");
    requireMatch("accessRoleUniqueId", a.accessRoleUniqueId, ROLE_UNIQUE_ID, "an IAM role unique id (AROA…)");
    const partition = a.partition ?? partitionOf(a.region);
    return document(
        {
            // In a key policy "*" means this key; without this statement the key would be unmanageable.
            Sid: "KeyAccountAdministers",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${a.keyAccountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "HubAccessRoleUsesKeyThroughS3",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${a.hubAccountId}:root` },
            Action: [...KMS_DATA_ACTIONS],
            Resource: "*",
            Condition: {
                StringLike: { "aws:userId": `${a.accessRoleUniqueId}:*` },
                StringEquals: { "kms:ViaService": `s3.${a.region}.amazonaws.com` },
            },
        },
    );
}

/** Why a home prefix could widen a grant or miss its objects, or undefined when it is safe. */
export function prefixProblem(prefix: string): string | undefined {
    const problem =
        prefix === "" ? "is empty"
            : prefix.startsWith("/") || prefix.endsWith("/") ? "starts or ends with /"
                : /[*?$]/.test(prefix) ? "contains *, ? or $, which would widen the user's grant (IAM reads them as wildcards or variables)"
                    : prefix.split("/").some((s) => s === "" || s === "." || s === "..") ? "has an empty, . or .. segment"
                        : !/^[A-Za-z0-9!_.'()@=+,;:~ -]+(\/[A-Za-z0-9!_.'()@=+,;:~ -]+)*$/.test(prefix) ? "contains characters outside S3's safe key set"
                            : undefined;
    return problem && `prefix "${prefix}" ${problem}`;
}

export function validatePrefix(prefix: string): void {
    const problem = prefixProblem(prefix);
    if (problem) throw new Error(problem);
}

/** What a session needs on its bucket's SSE-KMS key: S3 decrypts to read; writes also generate data keys (multipart uploads decrypt too). */
const SESSION_KEY_READ_ACTIONS: readonly string[] = ["kms:Decrypt"];
const SESSION_KEY_WRITE_ACTIONS: readonly string[] = ["kms:Decrypt", "kms:GenerateDataKey"];

function requireKeyArn(kmsKeyArn: string): void {
    requireMatch("kmsKeyArn", kmsKeyArn, KMS_KEY_ARN, "a KMS key ARN (an alias cannot be granted across accounts)");
}

/**
 * The session policy Transfer applies to a user: the bucket may be listed only under the prefix,
 * objects only under "<prefix>/", writes and deletes only for read-write users, and, for an
 * SSE-KMS bucket, only that bucket's key. Transfer evaluates every call, and the KMS calls S3 makes
 * for it, as the role intersected with this policy, so a KMS bucket's user without the key statement
 * logs in and then fails every get and put. Returns minified JSON.
 */
export function sessionPolicy(a: { bucketName: string; prefix: string; access: Access; kmsKeyArn?: string; partition: string }): string {
    validatePrefix(a.prefix);
    const bucketArn = `arn:${a.partition}:s3:::${a.bucketName}`;
    const objects = `${bucketArn}/${a.prefix}/*`;
    const statements: PolicyStatement[] = [
        {
            Sid: "ListHome",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            // A logical home "/" → /<bucket>/<prefix> lists with prefixes "<prefix>/" and below.
            Condition: { StringLike: { "s3:prefix": [`${a.prefix}/*`, `${a.prefix}/`, a.prefix] } },
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
        { Sid: "ReadHome", Effect: "Allow", Action: [...OBJECT_READ_ACTIONS], Resource: objects },
    ];
    if (a.access === "read-write") statements.push({ Sid: "WriteHome", Effect: "Allow", Action: [...OBJECT_WRITE_ACTIONS], Resource: objects });
    if (a.kmsKeyArn !== undefined) {
        requireKeyArn(a.kmsKeyArn);
        const actions = a.access === "read-write" ? SESSION_KEY_WRITE_ACTIONS : SESSION_KEY_READ_ACTIONS;
        statements.push({ Sid: "UseBucketKey", Effect: "Allow", Action: [...actions], Resource: a.kmsKeyArn });
    }
    const rendered = JSON.stringify(document(...statements));
    if (rendered.length > SESSION_POLICY_MAX_LENGTH) {
        throw new Error(`session policy for bucket "${a.bucketName}" prefix "${a.prefix}" is ${rendered.length} characters; Transfer accepts at most ${SESSION_POLICY_MAX_LENGTH} (shorten the prefix)`);
    }
    return rendered;
}

/**
 * What the AWS provider calls for each look-up the program makes in a preview: its data sources
 * (invoke tokens) and the resources it only reads (`read <type>`), from terraform-provider-aws
 * (internal/service/ec2: vpc_data_source.go reads three VPC attributes and the main route table;
 * vpc_endpoint_data_source.go looks up a prefix list for every endpoint). A preview without
 * --refresh calls nothing else in AWS; the provider's own sts:GetCallerIdentity needs no permission.
 */
export const PREVIEW_LOOKUPS: Readonly<Record<string, readonly string[]>> = {
    "aws:ec2/getVpc:getVpc": ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables"],
    "aws:ec2/getSubnet:getSubnet": ["ec2:DescribeSubnets"],
    "aws:ec2/getVpcEndpoint:getVpcEndpoint": ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"],
    "aws:ec2/getVpcEndpointService:getVpcEndpointService": ["ec2:DescribeVpcEndpointServices"],
    "aws:index/getAvailabilityZones:getAvailabilityZones": ["ec2:DescribeAvailabilityZones"],
    "read aws:ec2/vpcEndpoint:VpcEndpoint": ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices"],
    "aws:ec2/getNetworkInterface:getNetworkInterface": ["ec2:DescribeNetworkInterfaces"],
    // zone_data_source.go: the zone, a private zone's NS records, and its tags.
    "aws:route53/getZone:getZone": ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
    // vpc_route_table_data_source.go: the route table, by id.
    "aws:ec2/getRouteTable:getRouteTable": ["ec2:DescribeRouteTables"],
    // ec2_ami_data_source.go: DescribeImages (its GetInstanceUefiData is allowed to fail).
    "aws:ec2/getAmi:getAmi": ["ec2:DescribeImages"],
    // certificate.go's Read: the certificate and its tags.
    "read aws:acm/certificate:Certificate": ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
};

/**
 * The read-only preview role's permissions, in every account: the role each account's provider
 * assumes for a pull-request preview (the CI job's own role, which reaches the state backend, is
 * another). The look-ups a preview makes (Describe actions take no resource ARN, hence "*"), and an
 * explicit deny of everything else: a same-account bucket, key, secret or function policy that named
 * this role could otherwise hand it object reads, secret values, decryption, grants or a role to assume.
 */
export function previewRolePolicy(): PolicyDocument {
    const lookups = [...new Set(Object.values(PREVIEW_LOOKUPS).flat())].sort();
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "PreviewLookUps", Effect: "Allow", Action: lookups, Resource: "*" },
            // sts:GetCallerIdentity is answered whatever a policy says; it stays outside the deny all the same.
            { Sid: "NothingElseWhateverResourcePoliciesSay", Effect: "Deny", NotAction: [...lookups, "sts:GetCallerIdentity"], Resource: "*" },
        ],
    };
}

/**
 * The alarm topic's policy: CloudWatch may publish from this stack's alarms only (the confused-deputy
 * keys, https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html), and nothing
 * reaches the topic without TLS (https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html).
 * The account's own principals need no grant here: in one account, IAM policies suffice.
 */
export function alarmTopicPolicy(a: { partition: string; region: string; accountId: string; topicArn: string; alarmNamePrefix: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TheStacksAlarmsPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: a.topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": a.accountId }, ArnLike: { "aws:SourceArn": `arn:${a.partition}:cloudwatch:${a.region}:${a.accountId}:alarm:${a.alarmNamePrefix}*` } },
            },
            { Sid: "TlsOnly", Effect: "Deny", Principal: { AWS: "*" }, Action: "sns:*", Resource: a.topicArn, Condition: { Bool: { "aws:SecureTransport": false } } },
        ],
    };
}

/** The test client instance's role: EC2 assumes it for the instance profile (PASSED_ROLE_SERVICES: no source condition exists). */
export function testClientTrustPolicy(): PolicyDocument {
    return document({ Sid: "Ec2ForTheInstanceProfile", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
}

/**
 * What SSM Agent needs for Run Command and nothing else: register the instance (this account's
 * instances), and the message channels, which take no resource ARN (the service authorization
 * reference lists none for ssmmessages).
 */
export function testClientInstancePolicy(a: { partition: string; region: string; accountId: string }): PolicyDocument {
    requireMatch("accountId", a.accountId, ACCOUNT_ID, "a 12-digit account id");
    const instances = `arn:${a.partition}:ec2:${a.region}:${a.accountId}:instance/*`;
    return document(
        { Sid: "RegisterWithSystemsManager", Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations"], Resource: instances },
        { Sid: "RunCommandChannels", Effect: "Allow", Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" },
    );
}

/**
 * The test client's S3 gateway endpoint: dnf reads AL2023's repository bucket (anonymously, hence the
 * "*" principal), and nothing else goes through it.
 */
export function testClientS3EndpointPolicy(a: { partition: string; region: string }): PolicyDocument {
    return document({
        Sid: "AmazonLinuxRepositoryOnly", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"],
        Resource: `arn:${a.partition}:s3:::${al2023RepositoryBucket(a.region)}/*`,
    });
}
