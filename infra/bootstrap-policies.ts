// The bootstrap's IAM documents, rendered by plain functions: each account's deploy role (scoped to
// the names, paths and tags infra/naming.ts gives what the program creates), the permissions
// boundary of the roles the program creates, the CI roles GitHub's OIDC tokens assume, and the state
// bucket's and secrets key's resource policies. Proven by evaluation in infra/test/deploy-role.test.ts
// against the program's own plans.
import { ALLOWED_AWS_MANAGED_POLICIES, RemovalPolicy } from "./model";
import { KMS_DATA_ACTIONS, PolicyDocument, PolicyStatement, testClientInstancePolicy, TRANSFER_BUCKET_ACTIONS, TRANSFER_OBJECT_ACTIONS } from "./policies";

/** The SSM document Run Command runs the test client's check with. */
export const RUN_SHELL_SCRIPT = "AWS-RunShellScript";
import { alarmNamePrefix, alarmTopicName, CiEnvironment, dashboardName, idpFunctionName, logGroupPrefix, PROJECT_TAG, rolePath, STACK_TAG_KEY, testClientInstanceName, testClientRoleName } from "./naming";

/** The tags the bootstrap's own resources carry: not the program's, so that no deploy role's tag conditions reach them. */
export const BOOTSTRAP_PROJECT = "closed-ftp-bootstrap";

export interface DeployScope {
    partition: string;
    region: string;
    /** The account this deploy role is in. */
    accountId: string;
    stack: string;
    /** The hub carries the server, the IdP, the users' secrets and every role; a spoke only buckets and keys. */
    hub: boolean;
    /** The buckets this account holds, by S3 name. */
    buckets: { name: string; removalPolicy: RemovalPolicy; kms: boolean }[];
    /** The hub's network: an existing VPC and its subnets, or a new one the stack creates (tag-scoped). */
    network?: { vpcId: string; subnetIds: string[] } | "new";
    /** The boundary every role the program creates must carry (hub). */
    permissionsBoundaryArn?: string;
    /** The record of closed-ftp:dns, in the account whose Route 53 holds its private zone. */
    dns?: { zoneId: string; recordName: string };
    /** The hub's monitoring: the config's alarm topic (unset: the stack creates its own) and whether there is a dashboard. */
    monitoring?: { topicArn?: string; dashboard: boolean };
    /** The FTPS certificate the hub reads to check its names against closed-ftp:dns. */
    certificateArn?: string;
    /** closed-ftp:testClient: its VPC, peering, instance and role (hub); the existing hub route tables that get its route. */
    testClient?: { hubRouteTableIds: string[] };
}

const OWN_REQUEST_TAGS = (stack: string) => ({ [`aws:RequestTag/${PROJECT_TAG.key}`]: PROJECT_TAG.value, [`aws:RequestTag/${STACK_TAG_KEY}`]: stack });
const OWN_RESOURCE_TAGS = (stack: string) => ({ [`aws:ResourceTag/${PROJECT_TAG.key}`]: PROJECT_TAG.value, [`aws:ResourceTag/${STACK_TAG_KEY}`]: stack });

/** Reads the provider makes that AWS scopes to no resource (Describe and List calls take "*"). */
export const UNSCOPED_READS = {
    hub: [
        "ec2:DescribeAvailabilityZones", "ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists", "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute",
        "ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs", "ec2:DescribeAddresses",
        "logs:DescribeLogGroups", "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries", "transfer:ListServers",
    ],
    /** What aws_instance, aws_vpc_peering_connection and the AMI look-up read, for closed-ftp:testClient. */
    testClient: [
        "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceCreditSpecifications",
        "ec2:DescribeVolumes", "ec2:DescribeTags", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeIamInstanceProfileAssociations",
    ],
    spoke: [] as string[],
} as const;

/**
 * Transfer's structured logging is set up with the caller's permissions (CloudWatch Logs' V1 vended
 * logs, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html):
 * these actions take no resource, and AWS documents "*".
 */
export const LOG_DELIVERY_ACTIONS = ["logs:CreateLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy"] as const;

// What the provider reads of a bucket (aws_s3_bucket's Read: HeadBucket is ListBucket) and sets on it.
const BUCKET_ACTIONS = [
    "s3:CreateBucket", "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
    "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock", "s3:GetBucketOwnershipControls",
    "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration",
    // aws_s3_bucket_notification: the bucket's whole notification configuration (EventBridge on or off).
    "s3:PutBucketNotification", "s3:GetBucketNotification",
];
const KEY_ACTIONS = [
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy",
    "kms:EnableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource", "kms:UntagResource",
];

function arn(p: string, service: string, region: string, account: string, resource: string): string {
    return `arn:${p}:${service}:${region}:${account}:${resource}`;
}

/** Every ec2 ARN of one resource type in the account and region. */
function ec2(a: DeployScope, type: string): string {
    return arn(a.partition, "ec2", a.region, a.accountId, `${type}/*`);
}

/**
 * The deploy role's permissions in one account: what the program does there, on what it names, and
 * nothing else. Deleting a bucket (or its objects, or its key) is granted only where the config's
 * removalPolicy is destroy: a protected or retained bucket cannot be deleted with this role even if a
 * person removes its protection by hand.
 */
export function deployRolePolicy(a: DeployScope): PolicyDocument {
    const { partition: p, region, accountId, stack } = a;
    const statements: PolicyStatement[] = [];
    const add = (s: PolicyStatement) => statements.push(s);
    const reads = a.hub ? [...UNSCOPED_READS.hub, ...(a.testClient ? UNSCOPED_READS.testClient : [])] : UNSCOPED_READS.spoke;
    // The provider's account check; STS answers it whatever a policy says.
    add({ Sid: "ReadsWithoutResource", Effect: "Allow", Action: ["sts:GetCallerIdentity", ...reads], Resource: "*" });

    const bucketArns = a.buckets.map((b) => `arn:${p}:s3:::${b.name}`);
    const destroyable = a.buckets.filter((b) => b.removalPolicy === "destroy").map((b) => `arn:${p}:s3:::${b.name}`);
    if (bucketArns.length > 0) add({ Sid: "TheStacksBuckets", Effect: "Allow", Action: BUCKET_ACTIONS, Resource: bucketArns });
    if (destroyable.length > 0) {
        // forceDestroy empties a bucket before deleting it: every version of every object.
        add({ Sid: "DeleteBucketsWhoseRemovalPolicyIsDestroy", Effect: "Allow", Action: ["s3:DeleteBucket", "s3:ListBucketVersions"], Resource: destroyable });
        add({ Sid: "EmptyBucketsWhoseRemovalPolicyIsDestroy", Effect: "Allow", Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource: destroyable.map((b) => `${b}/*`) });
    }
    if (a.buckets.some((b) => b.kms)) {
        const keys = arn(p, "kms", region, accountId, "key/*");
        // A key has no name to scope by: it is created with the stack's tags and managed by them.
        add({ Sid: "CreateKeysWithTheStacksTags", Effect: "Allow", Action: ["kms:CreateKey"], Resource: "*", Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
        add({ Sid: "TagKeysAsTheyAreCreated", Effect: "Allow", Action: ["kms:TagResource"], Resource: keys, Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
        add({ Sid: "TheStacksKeys", Effect: "Allow", Action: KEY_ACTIONS, Resource: keys, Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) } });
        if (a.buckets.some((b) => b.kms && b.removalPolicy === "destroy")) {
            add({ Sid: "ScheduleDeletionOfKeysOfDestroyableBuckets", Effect: "Allow", Action: ["kms:ScheduleKeyDeletion"], Resource: keys, Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) } });
        }
    }
    if (a.dns) {
        // aws_route53_record (record.go): the zone, its records, one change set of this name and type, and the change's status.
        const zone = `arn:${p}:route53:::hostedzone/${a.dns.zoneId}`;
        add({ Sid: "TheEndpointsZone", Effect: "Allow", Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], Resource: zone });
        add({
            Sid: "OnlyTheEndpointsRecord", Effect: "Allow", Action: ["route53:ChangeResourceRecordSets"], Resource: zone,
            Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [a.dns.recordName], "route53:ChangeResourceRecordSetsRecordTypes": ["A"] } },
        });
        add({ Sid: "Route53ChangeStatus", Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${p}:route53:::change/*` });
    }
    if (!a.hub) return { Version: "2012-10-17", Statement: statements };

    // IAM: roles under the stack's path only, each with the stack's boundary, so no role the program
    // creates can hold more than the boundary allows (and none can reach the bootstrap's path).
    const roles = `arn:${p}:iam::${accountId}:role${rolePath(stack)}*`;
    const boundary = a.permissionsBoundaryArn ? { StringEquals: { "iam:PermissionsBoundary": a.permissionsBoundaryArn } } : undefined;
    if (!boundary) throw new Error("deployRolePolicy: the hub's deploy role needs the permissions boundary of the roles it creates");
    add({ Sid: "CreateRolesWithTheBoundary", Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePolicy"], Resource: roles, Condition: boundary });
    add({
        Sid: "AttachOnlyAllowListedManagedPolicies", Effect: "Allow", Action: ["iam:AttachRolePolicy"], Resource: roles,
        Condition: { ...boundary, ArnEquals: { "iam:PolicyARN": ALLOWED_AWS_MANAGED_POLICIES.map((name) => `arn:${p}:iam::aws:policy/${name}`) } },
    });
    add({
        Sid: "TheStacksRoles", Effect: "Allow", Resource: roles, Action: [
            "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
            "iam:ListRoleTags", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
            "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole",
        ],
    });
    add({ Sid: "PassTheIdpRoleToLambdaOnly", Effect: "Allow", Action: ["iam:PassRole"], Resource: roles, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } });
    if (a.testClient) {
        // The test client's instance profile: under the stack's path, its role handed to EC2 only.
        const profiles = `arn:${p}:iam::${accountId}:instance-profile${rolePath(stack)}*`;
        add({
            Sid: "TheTestClientsInstanceProfile", Effect: "Allow", Resource: profiles, Action: [
                "iam:CreateInstanceProfile", "iam:GetInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:ListInstanceProfileTags",
            ],
        });
        // Only the test client's own role, by its fixed name: no other role of the stack (which may read the buckets) reaches an instance.
        add({ Sid: "PassTheTestClientRoleToEc2Only", Effect: "Allow", Action: ["iam:PassRole"], Resource: `arn:${p}:iam::${accountId}:role${rolePath(stack)}${testClientRoleName(stack)}`, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } });
    }

    const fn = arn(p, "lambda", region, accountId, `function:${idpFunctionName(stack)}`);
    add({
        Sid: "TheIdpFunction", Effect: "Allow", Resource: [fn, `${fn}:*`], Action: [
            "lambda:CreateFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
            "lambda:DeleteFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:PutFunctionConcurrency",
            "lambda:DeleteFunctionConcurrency", "lambda:GetFunctionConcurrency", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
            "lambda:GetPolicy", "lambda:RemovePermission", "lambda:GetRuntimeManagementConfig", "lambda:GetFunctionRecursionConfig",
        ],
    });
    add({ Sid: "OnlyTransferMayInvokeTheIdp", Effect: "Allow", Action: ["lambda:AddPermission"], Resource: [fn, `${fn}:*`], Condition: { StringEquals: { "lambda:Principal": "transfer.amazonaws.com" } } });

    add({
        Sid: "TheStacksLogGroups", Effect: "Allow", Resource: arn(p, "logs", region, accountId, `log-group:${logGroupPrefix(stack)}*`), Action: [
            "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
            "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
            "logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters",
        ],
    });
    // The monitoring: alarms by their prefix, the dashboard and the alarm topic by name.
    const alarms = arn(p, "cloudwatch", region, accountId, `alarm:${alarmNamePrefix(stack)}*`);
    // An alarm's actions may only publish to the alarm topic: no EC2 stop or terminate, no other topic.
    add({ Sid: "TheStacksAlarmsNotifyItsTopicOnly", Effect: "Allow", Resource: alarms, Action: ["cloudwatch:PutMetricAlarm"], Condition: { "ForAllValues:StringEquals": { "cloudwatch:AlarmActions": [a.monitoring?.topicArn ?? arn(p, "sns", region, accountId, alarmTopicName(stack))] } } });
    add({ Sid: "TheStacksAlarms", Effect: "Allow", Resource: alarms, Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"] });
    if (a.monitoring?.dashboard !== false) {
        add({ Sid: "TheStacksDashboard", Effect: "Allow", Resource: arn(p, "cloudwatch", "", accountId, `dashboard/${dashboardName(stack)}`), Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"] });
    }
    if (a.monitoring?.topicArn === undefined) {
        const topic = arn(p, "sns", region, accountId, alarmTopicName(stack));
        add({
            Sid: "TheStacksAlarmTopic", Effect: "Allow", Resource: topic, Action: [
                "sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource",
                "sns:ListTagsForResource", "sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
            ],
        });
    }
    if (a.certificateArn) add({ Sid: "TheFtpsCertificatesNames", Effect: "Allow", Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], Resource: a.certificateArn });
    add({ Sid: "TransferStructuredLogDelivery", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: "*" });

    const secrets = arn(p, "secretsmanager", region, accountId, "secret:aws/transfer/*");
    add({ Sid: "CreateUserSecretsWithTheStacksTags", Effect: "Allow", Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"], Resource: secrets, Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
    add({
        Sid: "TheStacksUserSecrets", Effect: "Allow", Resource: secrets, Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) }, Action: [
            "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
            "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds", "secretsmanager:UpdateSecretVersionStage",
            "secretsmanager:DeleteSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
        ],
    });

    const servers = arn(p, "transfer", region, accountId, "server/*");
    // Only a server inside a VPC, speaking FTP or FTPS: the role cannot create a public or SFTP server.
    // CreateServer takes no resource (the service authorization reference): "*", held by its conditions.
    const closedServer = { "transfer:RequestServerEndpointType": "VPC" };
    const ftpOnly = { "ForAllValues:StringEquals": { "transfer:RequestServerProtocols": ["FTP", "FTPS"] } };
    add({ Sid: "CreateClosedServersWithTheStacksTags", Effect: "Allow", Action: ["transfer:CreateServer"], Resource: "*", Condition: { StringEquals: { ...closedServer, ...OWN_REQUEST_TAGS(stack) }, ...ftpOnly } });
    add({ Sid: "TagServersAsTheyAreCreated", Effect: "Allow", Action: ["transfer:TagResource"], Resource: servers, Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
    add({ Sid: "UpdateTheStacksServersClosedOnly", Effect: "Allow", Action: ["transfer:UpdateServer"], Resource: servers, Condition: { StringEquals: { ...closedServer, ...OWN_RESOURCE_TAGS(stack) }, ...ftpOnly } });
    add({
        Sid: "TheStacksServers", Effect: "Allow", Resource: servers, Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) },
        // TagResource too: a later tag change (the custom hostname, the organisation's tags) names only what changes.
        Action: ["transfer:DescribeServer", "transfer:DeleteServer", "transfer:StartServer", "transfer:StopServer", "transfer:ListTagsForResource", "transfer:TagResource", "transfer:UntagResource"],
    });
    add({ Sid: "SmokeTestLogins", Effect: "Allow", Action: ["transfer:TestIdentityProvider"], Resource: arn(p, "transfer", region, accountId, "user/*") });

    // EC2: created with the stack's tags, managed by them.
    const created = ["vpc", "subnet", "route-table", "security-group", "security-group-rule", "vpc-endpoint"].map((t) => ec2(a, t));
    const createActions = ["ec2:CreateSecurityGroup", "ec2:CreateVpcEndpoint", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"];
    const newVpc = a.network === "new";
    if (newVpc) createActions.push("ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateRouteTable");
    // Each create on the type it creates, by the request's tags: a parent (a VPC, a subnet) is never
    // reached by a stack-tagged child, only by its own id or tags (CreateInTheStacksVpc, TheStacksNetwork).
    const createdBy: [string, string][] = [
        ["ec2:CreateSecurityGroup", "security-group"], ["ec2:CreateVpcEndpoint", "vpc-endpoint"],
        ["ec2:AuthorizeSecurityGroupIngress", "security-group-rule"], ["ec2:AuthorizeSecurityGroupEgress", "security-group-rule"],
        ...(newVpc ? [["ec2:CreateVpc", "vpc"], ["ec2:CreateSubnet", "subnet"], ["ec2:CreateRouteTable", "route-table"]] as [string, string][] : []),
    ];
    for (const type of [...new Set(createdBy.map(([, t]) => t))]) {
        add({ Sid: `CreateWithTheStacksTags${type.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`, Effect: "Allow", Action: createdBy.filter(([, t]) => t === type).map(([a]) => a), Resource: ec2(a, type), Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
    }
    add({ Sid: "TagNetworkAsItIsCreated", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: created, Condition: { StringEquals: { ...OWN_REQUEST_TAGS(stack), "ec2:CreateAction": createActions.map((a) => a.slice("ec2:".length)) } } });
    const networkParents = newVpc
        ? [ec2(a, "vpc"), ec2(a, "subnet")]
        : a.network && a.network !== "new" ? [arn(p, "ec2", region, accountId, `vpc/${a.network.vpcId}`), ...a.network.subnetIds.map((id) => arn(p, "ec2", region, accountId, `subnet/${id}`))] : [];
    // Creating in the VPC (and its subnets) is acting on them: an existing VPC by id, a new one by its tags.
    if (networkParents.length > 0) {
        add({
            Sid: "CreateInTheStacksVpc", Effect: "Allow", Action: ["ec2:CreateSecurityGroup", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", ...(newVpc ? ["ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:AssociateRouteTable"] : [])],
            Resource: networkParents, ...(newVpc ? { Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) } } : {}),
        });
    }
    add({
        Sid: "TheStacksNetwork", Effect: "Allow", Resource: created, Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) }, Action: [
            "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
            "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
            "ec2:DeleteSecurityGroup", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags",
            ...(newVpc ? ["ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable"] : []),
        ],
    });
    // A security group rule may be tagged just after it is created; a rule's tags open nothing (revoking
    // acts on its group, which must be the stack's).
    add({ Sid: "TagRulesOfTheStack", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: ec2(a, "security-group-rule"), Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
    if (newVpc || a.testClient) {
        // The new VPC's default security group exists before the stack adopts it, untagged: it may be
        // tagged with the stack's tags once, when it carries no Project tag at all.
        add({
            Sid: "AdoptTheNewVpcsDefaultSecurityGroup", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: ec2(a, "security-group"),
            Condition: { StringEquals: OWN_REQUEST_TAGS(stack), Null: { [`aws:ResourceTag/${PROJECT_TAG.key}`]: "true" } },
        });
    }
    if (a.testClient) {
        // closed-ftp:testClient: a VPC of its own (tag-scoped, as a new hub VPC is), peered to the hub's.
        // Each create is allowed on the type it creates, by the request's tags; the parents it is made in
        // only by their own tags (or the hub VPC's id): a stack-tagged child never opens a foreign VPC.
        const own = ["vpc", "subnet", "route-table", "security-group", "vpc-endpoint", "vpc-peering-connection", "instance", "volume", "network-interface"].map((t) => ec2(a, t));
        const hubVpcArn = a.network && a.network !== "new" ? arn(p, "ec2", region, accountId, `vpc/${a.network.vpcId}`) : undefined;
        for (const [action, type] of [["CreateVpc", "vpc"], ["CreateSubnet", "subnet"], ["CreateRouteTable", "route-table"]] as const) {
            add({ Sid: `TestClient${action}`, Effect: "Allow", Action: [`ec2:${action}`], Resource: ec2(a, type), Condition: { StringEquals: OWN_REQUEST_TAGS(stack) } });
        }
        // The peering is to the hub VPC only: an existing one by id (ec2:AccepterVpc), the stack's own by its tags.
        add({
            Sid: "TestClientCreateVpcPeeringConnection", Effect: "Allow", Action: ["ec2:CreateVpcPeeringConnection"], Resource: ec2(a, "vpc-peering-connection"),
            Condition: { StringEquals: OWN_REQUEST_TAGS(stack), ...(hubVpcArn ? { ArnEquals: { "ec2:AccepterVpc": hubVpcArn } } : {}) },
        });
        // The instance: IMDSv2 only, and no public address on its interface.
        add({ Sid: "TestClientRunInstances", Effect: "Allow", Action: ["ec2:RunInstances"], Resource: ec2(a, "instance"), Condition: { StringEquals: { ...OWN_REQUEST_TAGS(stack), "ec2:MetadataHttpTokens": "required" } } });
        add({ Sid: "TagTheTestClientAsItIsCreated", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: own, Condition: { StringEquals: { ...OWN_REQUEST_TAGS(stack), "ec2:CreateAction": ["CreateVpc", "CreateSubnet", "CreateRouteTable", "CreateVpcPeeringConnection", "RunInstances"] } } });
        add({
            Sid: "CreateInTheTestClientsVpc", Effect: "Allow", Resource: [ec2(a, "vpc"), ec2(a, "subnet"), ec2(a, "route-table"), ec2(a, "security-group")], Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) },
            Action: [
                "ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:AssociateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:CreateVpcPeeringConnection",
                // A new hub VPC is the stack's own: it accepts by its tags; an existing one by its id, below.
                ...(hubVpcArn ? [] : ["ec2:AcceptVpcPeeringConnection"]), "ec2:RunInstances", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
            ],
        });
        if (hubVpcArn) add({ Sid: "PeerWithTheHubVpc", Effect: "Allow", Action: ["ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection"], Resource: hubVpcArn });
        if (a.testClient.hubRouteTableIds.length > 0) {
            add({ Sid: "RouteTheHubToTheTestClient", Effect: "Allow", Action: ["ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"], Resource: a.testClient.hubRouteTableIds.map((id) => arn(p, "ec2", region, accountId, `route-table/${id}`)) });
        }
        add({
            Sid: "TheTestClient", Effect: "Allow", Resource: own.filter((r) => !/:(volume|network-interface)\//.test(r)), Condition: { StringEquals: OWN_RESOURCE_TAGS(stack) }, Action: [
                "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable",
                "ec2:AcceptVpcPeeringConnection", "ec2:ModifyVpcPeeringConnectionOptions", "ec2:DeleteVpcPeeringConnection",
                "ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:DeleteTags",
            ],
        });
        // What RunInstances also acts on: the image (Amazon's own), and a root volume that is encrypted.
        add({ Sid: "LaunchAmazonsImagesOnly", Effect: "Allow", Action: ["ec2:RunInstances"], Resource: arn(p, "ec2", region, "", "image/*"), Condition: { StringEquals: { "ec2:Owner": "amazon" } } });
        add({ Sid: "LaunchWithAnEncryptedVolume", Effect: "Allow", Action: ["ec2:RunInstances"], Resource: ec2(a, "volume"), Condition: { Bool: { "ec2:Encrypted": "true" } } });
        // The instance's interface is new and untagged (its subnet and groups are held by their tags above): no public address.
        add({ Sid: "LaunchWithAPrivateInterface", Effect: "Allow", Action: ["ec2:RunInstances"], Resource: ec2(a, "network-interface"), Condition: { Bool: { "ec2:AssociatePublicIpAddress": "false" } } });
    }
    // The server's own endpoint: Transfer creates it with the caller's permissions, untagged, and the
    // provider modifies its security groups. AWS offers no tag or service-name condition on it.
    add({ Sid: "TheServersEndpoint", Effect: "Allow", Action: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints"], Resource: ec2(a, "vpc-endpoint") });
    return { Version: "2012-10-17", Statement: statements };
}

/** IAM's size limit of one customer-managed policy (characters, white space not counted). */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Managed policies attached to one role (IAM's default quota). */
export const MANAGED_POLICIES_PER_ROLE = 10;

const size = (statements: PolicyStatement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements }).length;

/**
 * A deploy policy as managed policies of at most 6,144 characters each: statements packed in order,
 * and a statement too large alone (many buckets) split by its resources. A role holds 10 of them.
 */
export function packPolicy(document: PolicyDocument, limit = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
    const pieces = document.Statement.flatMap((statement) => {
        if (size([statement]) <= limit || !Array.isArray(statement.Resource)) return [statement];
        const parts: PolicyStatement[] = [];
        let resources: string[] = [];
        const flush = () => { parts.push({ ...statement, Sid: `${statement.Sid}${parts.length + 1}`, Resource: resources }); resources = []; };
        for (const resource of statement.Resource) {
            if (resources.length > 0 && size([{ ...statement, Resource: [...resources, resource] }]) > limit) flush();
            resources.push(resource);
        }
        flush();
        return parts;
    });
    const documents: PolicyStatement[][] = [];
    for (const piece of pieces) {
        const last = documents[documents.length - 1];
        if (last && size([...last, piece]) <= limit) last.push(piece);
        else documents.push([piece]);
    }
    if (documents.length > MANAGED_POLICIES_PER_ROLE) {
        throw new Error(`the deploy policy needs ${documents.length} managed policies of ${limit} characters, and a role takes ${MANAGED_POLICIES_PER_ROLE}: split the stack's buckets across stacks`);
    }
    return documents.map((Statement) => ({ Version: "2012-10-17", Statement }));
}

/**
 * The permissions boundary of every role the program creates (the IdP's and the buckets' access
 * roles): at most what those roles do, on the stack's own names, whatever a later policy says.
 */
export function permissionsBoundaryPolicy(a: { partition: string; region: string; hubAccountId: string; stack: string; bucketNames: string[]; keyAccountIds: string[]; testClient?: boolean }): PolicyDocument {
    const { partition: p, region, hubAccountId, stack } = a;
    const statements: PolicyStatement[] = [];
    if (a.bucketNames.length > 0) {
        statements.push({ Sid: "TheStacksBuckets", Effect: "Allow", Action: [...TRANSFER_BUCKET_ACTIONS], Resource: a.bucketNames.map((b) => `arn:${p}:s3:::${b}`) });
        statements.push({ Sid: "TheStacksFiles", Effect: "Allow", Action: [...TRANSFER_OBJECT_ACTIONS], Resource: a.bucketNames.map((b) => `arn:${p}:s3:::${b}/*`) });
    }
    if (a.keyAccountIds.length > 0) {
        statements.push({ Sid: "TheStacksKeysThroughS3", Effect: "Allow", Action: [...KMS_DATA_ACTIONS], Resource: a.keyAccountIds.map((acct) => arn(p, "kms", region, acct, "key/*")), Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } });
    }
    statements.push(
        { Sid: "UserSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arn(p, "secretsmanager", region, hubAccountId, "secret:aws/transfer/*") },
        { Sid: "IdpLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: arn(p, "logs", region, hubAccountId, `log-group:${logGroupPrefix(stack)}*`) },
        // What AWSLambdaVPCAccessExecutionRole grants the VPC-attached IdP: network interfaces take no ARN before they exist.
        {
            Sid: "IdpNetworkInterfaces", Effect: "Allow", Resource: "*", Action: [
                "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
            ],
        },
    );
    // The test client's instance role (infra/policies.ts testClientInstancePolicy), at most.
    if (a.testClient) statements.push(...testClientInstancePolicy({ partition: p, region, accountId: hubAccountId }).Statement.map((s) => ({ ...s, Sid: `TestClient${s.Sid}` })));
    return { Version: "2012-10-17", Statement: statements };
}

/** A deploy or preview role's trust: the CI role of its GitHub environment and the named administrators, by ARN. */
export function roleTrustPolicy(principals: string[]): PolicyDocument {
    if (principals.length === 0) throw new Error("roleTrustPolicy: name at least one principal, or nobody could assume the role");
    return { Version: "2012-10-17", Statement: [{ Sid: "NamedPrincipals", Effect: "Allow", Principal: { AWS: [...principals].sort() }, Action: "sts:AssumeRole" }] };
}

/** A CI role's trust: GitHub's OIDC tokens for one repository's one environment, and for nothing else. */
export function githubTrustPolicy(a: { providerArn: string; repository: string; environment: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "GitHubEnvironment", Effect: "Allow", Principal: { Federated: a.providerArn } as never, Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": `repo:${a.repository}:environment:${a.environment}`,
                },
            },
        }],
    };
}

/**
 * What each CI role may do with the state: the deploy job writes it (checkpoints, history, backups,
 * its lock); preview and smoke only read it, as the DIY backend's preview takes no lock and writes
 * nothing (pulumi/pulumi pkg/backend/diy/backend.go).
 */
export const STATE_ACCESS: Record<CiEnvironment, { objects: string[]; key: string[] }> = {
    deploy: { objects: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], key: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"] },
    preview: { objects: ["s3:GetObject"], key: ["kms:Decrypt"] },
    smoke: { objects: ["s3:GetObject"], key: ["kms:Decrypt"] },
};

/** Where Pulumi's S3 backend keeps everything, under the bucket. */
export const STATE_PREFIX = ".pulumi/";

/** A CI role's permissions: assume the roles of its environment, reach the state, and (smoke) test logins. */
export function ciRolePolicy(a: {
    partition: string; region: string; hubAccountId: string; environment: CiEnvironment; stateBucketName: string; secretsKeyArn: string; assumable: string[];
    /** With closed-ftp:testClient, the smoke role runs the check on the test client (README, Verify from inside AWS). */
    stack?: string; testClient?: boolean;
}): PolicyDocument {
    const bucket = `arn:${a.partition}:s3:::${a.stateBucketName}`;
    const access = STATE_ACCESS[a.environment];
    const statements: PolicyStatement[] = [
        { Sid: "ListTheState", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucket, Condition: { StringLike: { "s3:prefix": [`${STATE_PREFIX}*`] } } },
        { Sid: "TheState", Effect: "Allow", Action: access.objects, Resource: `${bucket}/${STATE_PREFIX}*` },
        { Sid: "TheSecretsKey", Effect: "Allow", Action: access.key, Resource: a.secretsKeyArn },
    ];
    if (a.assumable.length > 0) statements.push({ Sid: "TheEnvironmentsRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...a.assumable].sort() });
    if (a.environment === "smoke") {
        statements.push({ Sid: "SmokeTestLogins", Effect: "Allow", Action: ["transfer:TestIdentityProvider"], Resource: `arn:${a.partition}:transfer:${a.region}:${a.hubAccountId}:user/*` });
        if (a.testClient && a.stack) statements.push(...testClientRunCommandPolicy({ partition: a.partition, region: a.region, accountId: a.hubAccountId, stack: a.stack }));
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * What `npm run smoke -- --via test-client` calls: SendCommand of AWS-RunShellScript to the stack's own
 * instances (by their tags), and the invocation's result (GetCommandInvocation takes no resource).
 */
export function testClientRunCommandPolicy(a: { partition: string; region: string; accountId: string; stack: string }): PolicyStatement[] {
    return [
        { Sid: "RunShellScriptDocument", Effect: "Allow", Action: ["ssm:SendCommand"], Resource: `arn:${a.partition}:ssm:${a.region}::document/${RUN_SHELL_SCRIPT}` },
        // The stack's test client instance only, by its tags and its Name (infra/test-client.ts).
        { Sid: "OnTheStacksTestClient", Effect: "Allow", Action: ["ssm:SendCommand"], Resource: arn(a.partition, "ec2", a.region, a.accountId, "instance/*"), Condition: { StringEquals: { ...OWN_RESOURCE_TAGS(a.stack), "aws:ResourceTag/Name": testClientInstanceName(a.stack) } } },
        { Sid: "CommandResults", Effect: "Allow", Action: ["ssm:GetCommandInvocation"], Resource: "*" },
    ];
}

/** The state bucket's policy: TLS only, and (across accounts) the CI roles and administrators by name. */
export function stateBucketPolicy(a: { partition: string; bucketName: string; writers: string[]; readers: string[] }): PolicyDocument {
    const bucket = `arn:${a.partition}:s3:::${a.bucketName}`;
    const statements: PolicyStatement[] = [
        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [bucket, `${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ];
    const all = [...new Set([...a.writers, ...a.readers])].sort();
    if (all.length > 0) statements.push({ Sid: "ListTheState", Effect: "Allow", Principal: { AWS: all }, Action: ["s3:ListBucket"], Resource: bucket });
    if (a.readers.length > 0) statements.push({ Sid: "ReadTheState", Effect: "Allow", Principal: { AWS: [...a.readers].sort() }, Action: ["s3:GetObject"], Resource: `${bucket}/${STATE_PREFIX}*` });
    if (a.writers.length > 0) statements.push({ Sid: "WriteTheState", Effect: "Allow", Principal: { AWS: [...a.writers].sort() }, Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/${STATE_PREFIX}*` });
    return { Version: "2012-10-17", Statement: statements };
}

/** The secrets key's policy: its account administers it; the CI roles and administrators use it by name. */
export function secretsKeyPolicy(a: { partition: string; accountId: string; encrypters: string[]; decrypters: string[] }): PolicyDocument {
    const statements: PolicyStatement[] = [
        // In a key policy "*" means this key; without this statement the key would be unmanageable.
        { Sid: "KeyAccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` }, Action: "kms:*", Resource: "*" },
    ];
    if (a.encrypters.length > 0) statements.push({ Sid: "EncryptAndDecryptSecrets", Effect: "Allow", Principal: { AWS: [...a.encrypters].sort() }, Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" });
    if (a.decrypters.length > 0) statements.push({ Sid: "DecryptSecrets", Effect: "Allow", Principal: { AWS: [...a.decrypters].sort() }, Action: ["kms:Decrypt"], Resource: "*" });
    return { Version: "2012-10-17", Statement: statements };
}
