// Every key the stack config schema accepts, with its type, default and an example: the source of
// the README's configuration reference (a test keeps the two, and the schema, in step).
import { z } from "zod";
import { BANNER_MAX_LENGTH, DEFAULT_SECURITY_POLICY, DEFAULTS, MAX_ORGANISATION_TAGS, RESERVED_TAG_KEYS, TEST_CLIENT } from "../infra/model";
import { ALARM_NAMES, ALARMS } from "../infra/monitoring-model";
import { CONFIG_SCHEMA, NAMESPACE } from "./config";

export interface ReferenceRow {
    key: string;
    type: string;
    /** "required", "optional", or the default value. */
    default: string;
    description: string;
    example: string;
}

export const CONFIG_REFERENCE: ReferenceRow[] = [
    { key: "aws:region", type: "string", default: "required", description: "Region of the hub and every spoke resource.", example: "ap-northeast-1" },
    { key: "closed-ftp:hub.accountId", type: "string (12 digits, quoted)", default: "required", description: "The hub account: Transfer server, IdP, users' secrets, the buckets' access roles.", example: "\"111111111111\"" },
    { key: "closed-ftp:hub.deployRoleArn", type: "IAM role ARN", default: "ambient credentials", description: "Role the hub provider assumes; must be in the hub account. With closed-ftp:bootstrap leave it out: the bootstrap's role/closed-ftp-bootstrap/closed-ftp-<stack>-deploy is used, and any other is refused.", example: "arn:aws:iam::111111111111:role/closed-ftp-deploy" },
    { key: "closed-ftp:hub.previewRoleArn", type: "IAM role ARN", default: "optional", description: "Read-only role the hub provider assumes when CLOSED_FTP_CREDENTIALS=preview (pull-request previews); required then if deployRoleArn is set.", example: "arn:aws:iam::111111111111:role/closed-ftp-preview" },
    { key: "closed-ftp:network.vpcId", type: "vpc id", default: "one of vpcId / cidrBlock", description: "An existing closed VPC (DNS support and hostnames on).", example: "vpc-0123456789abcdef0" },
    { key: "closed-ftp:network.subnetIds", type: "list of subnet ids", default: "required with vpcId", description: "Subnets of the server endpoint, interface endpoints and IdP Lambda.", example: "[subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb]" },
    { key: "closed-ftp:network.cidrBlock", type: "IPv4 CIDR, /16–/24", default: "one of vpcId / cidrBlock", description: "Build a new isolated VPC from aws.ec2 resources: a subnet per zone, local routes only, no gateway of any kind.", example: "10.80.0.0/16" },
    { key: "closed-ftp:network.availabilityZones", type: "integer 1–3", default: "the number of availabilityZoneIds", description: "How many zones the new VPC spans; with availabilityZoneIds it must match (or be left out).", example: "2" },
    { key: "closed-ftp:network.availabilityZoneIds", type: "list of zone ids (1–3)", default: "required with cidrBlock", description: "The new VPC's zones by id, in subnet order: pinned, so no run moves a subnet; each must offer the Transfer, STS and Secrets Manager endpoints (a plan without it lists the zones that do).", example: "[apne1-az1, apne1-az4]" },
    { key: "closed-ftp:network.existingEndpoints", type: "list of sts | secretsmanager", default: "[] (create both)", description: "Interface endpoints the existing VPC already has (private DNS on): looked up and reused, never created twice.", example: "[sts]" },
    { key: "closed-ftp:network.allowedCidrs", type: "list of CIDRs", default: "required", description: "Who may connect on 21 and 8192–8200; never 0.0.0.0/0 or ::/0; at most 145 IPv4 and 145 IPv6.", example: "[10.10.0.0/16]" },
    { key: "closed-ftp:server.protocols", type: "list of FTP | FTPS", default: `[${DEFAULTS.protocols.join(", ")}]`, description: "Protocols the server speaks (passive mode only).", example: "[FTP, FTPS]" },
    { key: "closed-ftp:server.certificateArn", type: "ACM certificate ARN", default: "required with FTPS", description: "Certificate for FTPS, in the hub account and region.", example: "arn:aws:acm:ap-northeast-1:111111111111:certificate/…" },
    { key: "closed-ftp:server.passiveIp", type: "AUTO | IPv4 address", default: DEFAULTS.passiveIp, description: "Address announced for passive data connections.", example: "AUTO" },
    { key: "closed-ftp:server.idpVpcAttached", type: "boolean", default: String(DEFAULTS.idpVpcAttached), description: "Run the IdP Lambda inside the VPC (adds a Secrets Manager endpoint).", example: "true" },
    { key: "closed-ftp:server.logRetentionDays", type: "CloudWatch retention", default: String(DEFAULTS.logRetentionDays), description: "Retention of the Transfer and IdP log groups.", example: "365" },
    { key: "closed-ftp:server.idpReservedConcurrency", type: "integer 1–1000", default: "unset (the account's pool)", description: "Logins the IdP serves at once; bounds a spray of unknown names to about 20 Secrets Manager calls a second per unit.", example: "10" },
    { key: "closed-ftp:server.securityPolicyName", type: "Transfer security policy", default: DEFAULTS.securityPolicyName, description: "TLS policy of the server (matters for FTPS).", example: DEFAULT_SECURITY_POLICY },
    { key: "closed-ftp:server.preAuthenticationBanner", type: `text, ≤ ${BANNER_MAX_LENGTH} chars`, default: "none", description: "Shown when a client connects, before login: printable ASCII, tabs and line breaks (Transfer's rule).", example: "\"Example Corp file exchange. Authorised partners only.\"" },
    { key: "closed-ftp:server.postAuthenticationBanner", type: `text, ≤ ${BANNER_MAX_LENGTH} chars`, default: "none", description: "Shown after login (FTP and FTPS; SFTP has none).", example: "\"Files are kept 30 days after you replace them.\"" },
    { key: "closed-ftp:accounts.<key>.accountId", type: "string (12 digits, quoted)", default: "required", description: "A spoke account, by a short key (lowercase, not \"hub\").", example: "\"222222222222\"" },
    { key: "closed-ftp:accounts.<key>.deployRoleArn", type: "IAM role ARN", default: "required without closed-ftp:bootstrap", description: "Role the spoke's provider assumes; must be in that account. With closed-ftp:bootstrap leave it out (the bootstrap's role is used; any other is refused).", example: "arn:aws:iam::222222222222:role/closed-ftp-deploy" },
    { key: "closed-ftp:accounts.<key>.previewRoleArn", type: "IAM role ARN", default: "required for previews", description: "Read-only role the spoke's provider assumes when CLOSED_FTP_CREDENTIALS=preview.", example: "arn:aws:iam::222222222222:role/closed-ftp-preview" },
    { key: "closed-ftp:buckets[].name", type: "string", default: "required", description: "The bucket's name in this config (3–42 of a-z 0-9 -); the S3 name derives from it.", example: "analytics-drop" },
    { key: "closed-ftp:buckets[].account", type: "account key", default: "the hub", description: "Key of closed-ftp:accounts the bucket lives in.", example: "analytics" },
    { key: "closed-ftp:buckets[].encryption", type: "s3 | kms", default: DEFAULTS.encryption, description: "SSE-S3, or SSE-KMS with a customer-managed key in the bucket's account.", example: "kms" },
    { key: "closed-ftp:buckets[].bucketName", type: "S3 bucket name", default: "closed-ftp-<stack>-<first name>-<hash>", description: "An explicit, globally unique S3 bucket name. Unset, the name derives from the stack, the bucket's first name (formerNames[0], else name) and a hash of its account and region, so the deploy role can name it.", example: "acme-analytics-ftp-drop" },
    { key: "closed-ftp:buckets[].removalPolicy", type: "protect | retain | destroy", default: DEFAULTS.removalPolicy, description: "What removing the bucket from this list, moving it, changing its encryption or pulumi destroy may do: protect refuses (the engine's protection error) and keeps everything in AWS; retain lets the stack forget the bucket and its key and leaves them in AWS; destroy deletes them, files and versions included. Change it in its own pulumi up first, and nothing else in that up: unprotected, an encryption change replaces the bucket (README, Operations).", example: "retain" },
    { key: "closed-ftp:buckets[].formerNames", type: "list of bucket names", default: "none", description: "Names this bucket had in this list before, the original first: its resources carry over (aliases), nothing is replaced. The S3 name derives from the first entry, so keep it (or set bucketName to the S3 name) for as long as the bucket lives.", example: "[partner-drop]" },
    { key: "closed-ftp:buckets[].lifecycle.abortIncompleteUploadsAfterDays", type: "days ≥ 1", default: String(DEFAULTS.lifecycle.abortIncompleteUploadsAfterDays), description: "An upload that never completed (a dropped STOR) has its stored parts removed this many days after it began.", example: "3" },
    { key: "closed-ftp:buckets[].lifecycle.noncurrentVersionsExpireAfterDays", type: "days ≥ 1", default: String(DEFAULTS.lifecycle.noncurrentVersionsExpireAfterDays), description: "A version replaced or deleted by a user (STOR over a file, DELE, RNFR/RNTO) is removed for good this many days later: the window to restore it.", example: "90" },
    { key: "closed-ftp:buckets[].lifecycle.currentVersionsExpireAfterDays", type: "days ≥ 1", default: "none (kept until deleted)", description: "A retention period: files expire this many days after they were written, then follow noncurrentVersionsExpireAfterDays. The one key that deletes files by design.", example: "365" },
    { key: "closed-ftp:buckets[].eventBridge", type: "boolean", default: "false", description: "Send the bucket's S3 events (Object Created, Object Deleted, …) to EventBridge's default bus in the bucket's account (README, New-file events). The stack then owns the bucket's whole notification configuration.", example: "true" },
    { key: "closed-ftp:users[].userName", type: "Transfer user name", default: "required", description: "Login name, matching ^[\\w][\\w@.-]{2,99}$, unique.", example: "partner-a" },
    { key: "closed-ftp:users[].home", type: "<bucket name>/<prefix>", default: "required", description: "Where the user's / lands. Users may share a home or nest one in another (README, Add a user): each reaches only its own prefix, with its own access.", example: "analytics-drop/partner-a" },
    { key: "closed-ftp:users[].access", type: "read-write | read-only", default: DEFAULTS.access, description: "What the session policy allows under the home.", example: "read-only" },
    { key: "closed-ftp:users[].allowedSourceCidrs", type: "list of CIDRs", default: "any allowed client", description: "Source addresses the IdP accepts for this user (inside network.allowedCidrs).", example: "[10.10.1.0/24]" },
    { key: "closed-ftp:users[].passwordVersion", type: "integer ≥ 1", default: String(DEFAULTS.passwordVersion), description: "Raise it to rotate the user's generated password (and re-salt its hash).", example: "2" },
    { key: "closed-ftp:passwords.<user>", type: "secret string (≥ 12 chars)", default: "generated (32 chars)", description: "A chosen password: pulumi config set --secret --path 'closed-ftp:passwords.<user>' (a name with a dot: --path 'closed-ftp:passwords[\"first.last\"]').", example: "(secure)" },
    { key: "closed-ftp:bootstrap.stateAccount", type: "account key", default: "hub", description: "Where the bootstrap puts the state bucket and the key of Pulumi's awskms:// secrets provider.", example: "hub" },
    { key: "closed-ftp:bootstrap.github.repository", type: "owner/name", default: "optional", description: "The repository whose GitHub environments <stack>, <stack>-preview and <stack>-smoke get a CI role each in the hub, trusted by that environment's OIDC tokens only.", example: "example-org/closed-ftp" },
    { key: "closed-ftp:bootstrap.github.oidcProviderArn", type: "IAM OIDC provider ARN", default: "created", description: "The hub's token.actions.githubusercontent.com provider when it exists already (IAM takes one per URL per account).", example: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
    { key: "closed-ftp:bootstrap.administratorRoleArns", type: "list of IAM role ARNs", default: "optional (github or these)", description: "Roles of the estate that may assume every deploy and preview role by hand, and read and write the state.", example: "[arn:aws:iam::111111111111:role/Administrator]" },
    { key: "closed-ftp:bootstrap.accountAccessRoleName", type: "IAM role name", default: "required with spokes", description: "The role the bootstrap assumes in every account to create the roles (run it with credentials that may).", example: "OrganizationAccountAccessRole" },
    { key: "closed-ftp:dns.recordName", type: "DNS name, lowercase", default: "optional (no private name)", description: "The private name clients dial: an alias A record to the server's endpoint in a Route 53 private hosted zone. The server carries Transfer's custom-hostname tag; with FTPS the certificate must name it (checked at plan time).", example: "ftp.corp.example.com" },
    { key: "closed-ftp:dns.zoneId", type: "hosted zone id", default: "required with dns", description: "The private hosted zone the record goes in (looked up at plan time: it must be private and hold the name).", example: "Z0123456789ABCDEFGHIJ" },
    { key: "closed-ftp:dns.account", type: "account key", default: "hub", description: "Key of closed-ftp:accounts (or hub) whose Route 53 holds the zone, such as a network account with no buckets: reached by its own provider and deploy role, scoped to this one record.", example: "network" },
    { key: "closed-ftp:alarms.topicArn", type: "SNS topic ARN", default: "created: closed-ftp-<stack>-alarms", description: "An existing topic (in the stack's region) for every alarm; unset, the stack creates one whose policy lets only its alarms publish, over TLS.", example: "arn:aws:sns:ap-northeast-1:111111111111:ops-alerts" },
    { key: "closed-ftp:alarms.emails", type: "list of email addresses", default: "none", description: "Email subscriptions to the stack's own topic; each address confirms by the link AWS mails it (the subscription is pending until then).", example: "[ftp-operations@example.com]" },
    ...ALARM_NAMES.flatMap((name): ReferenceRow[] => [
        { key: `closed-ftp:alarms.${name}.enabled`, type: "boolean", default: "true", description: `Alarm on ${ALARMS[name].what}.`, example: "false" },
        { key: `closed-ftp:alarms.${name}.threshold`, type: `${ALARMS[name].unit}, > 0`, default: String(ALARMS[name].threshold), description: `Fires at or above this many ${ALARMS[name].unit} (${ALARMS[name].statistic} over 5 minutes).`, example: String(ALARMS[name].threshold * 2 > ALARMS[name].maxThreshold ? ALARMS[name].maxThreshold : ALARMS[name].threshold * 2) },
        { key: `closed-ftp:alarms.${name}.evaluationPeriods`, type: "integer 1–288", default: "1", description: "How many 5-minute periods in a row must breach before it fires.", example: "3" },
    ]),
    { key: "closed-ftp:dashboard", type: "boolean", default: "true", description: "A CloudWatch dashboard closed-ftp-<stack>: logins by outcome and reason, the latest denials, IdP latency and errors, files and bytes, the alarms.", example: "false" },
    { key: "closed-ftp:tags.<key>", type: "string", default: "none", description: `The organisation's tags, added to every resource's default tags in every account (at most ${MAX_ORGANISATION_TAGS}); ${RESERVED_TAG_KEYS.join(", ")} and the aws:, transfer: and closed-ftp: prefixes are reserved.`, example: "CostCenter: \"4711\"" },
    { key: "closed-ftp:testClient.cidrBlock", type: "IPv4 CIDR, /16–/26, private", default: `${TEST_CLIENT.cidrBlock} (testClient: true takes every default; unset or false: no test client)`, description: "The test client's VPC (README, Verify from inside AWS): no internet path, one subnet, an S3 gateway endpoint for AL2023's repository, the SSM endpoints, peered to the hub VPC. Must not overlap the hub VPC or network.allowedCidrs; the server's security group admits it.", example: "10.254.0.0/24" },
    { key: "closed-ftp:testClient.instanceType", type: "EC2 instance type", default: TEST_CLIENT.instanceType, description: "The Amazon Linux 2023 instance (no public IP, IMDSv2 only, encrypted gp3 volume, lftp installed at boot); a Graviton type (t4g, …) takes the arm64 image.", example: "t4g.micro" },
    { key: "closed-ftp:testClient.hubRouteTableIds", type: "list of route table ids", default: "a new VPC: its own; an existing one: none (routes printed)", description: "An existing hub VPC's route tables that get the route to the test client through the peering (looked up: they must be the hub VPC's). Unset, the plan's testClient.hubRoutes output names the route for the network team.", example: "[rtb-0aaaaaaaaaaaaaaaa]" },
];

function keysOf(schema: z.ZodType, prefix: string): string[] {
    let inner = schema;
    // Optional and defaulted keys are keys all the same.
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodPipe) {
        // A preprocessed key (testClient: true for its defaults) is documented by what it becomes.
        inner = (inner instanceof z.ZodPipe ? inner.def.out : inner.def.innerType) as z.ZodType;
    }
    if (inner instanceof z.ZodObject) return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => keysOf(v, `${prefix}.${k}`));
    if (inner instanceof z.ZodArray) {
        const element = inner.element as z.ZodType;
        return element instanceof z.ZodObject ? keysOf(element, `${prefix}[]`) : [prefix];
    }
    if (inner instanceof z.ZodRecord || inner instanceof z.ZodMap) {
        const value = inner.valueType as z.ZodType;
        const placeholder = prefix.endsWith("passwords") ? "<user>" : "<key>";
        return value instanceof z.ZodObject ? keysOf(value, `${prefix}.${placeholder}`) : [`${prefix}.${placeholder}`];
    }
    return [prefix];
}

/** Every leaf key the schema accepts, read off the schema itself. */
export function schemaKeys(): string[] {
    return ["aws:region", ...Object.entries(CONFIG_SCHEMA).flatMap(([k, v]) => keysOf(v as z.ZodType, `${NAMESPACE}:${k}`))];
}

/** The README table, as markdown. */
export function referenceMarkdown(): string {
    const escape = (s: string) => s.replace(/\|/g, "\\|");
    return [
        "| key | type | default | description | example |",
        "|---|---|---|---|---|",
        ...CONFIG_REFERENCE.map((r) => `| \`${r.key}\` | ${escape(r.type)} | ${escape(r.default)} | ${escape(r.description)} | \`${escape(r.example)}\` |`),
    ].join("\n");
}
