// What AWS refuses, as one table: a row per rule, each with the AWS page it comes from. The mock
// cloud checks every registration against it, so a plan fails where a real deployment would.
import { UNKNOWN } from "./wire";
import { UNKNOWN_PLACEHOLDER } from "../format";
import { BANNER_MAX_LENGTH, BANNER_PATTERN, dnsNameProblem, s3BucketNameProblem, secretsmanagerSecretNameProblem } from "../../infra/model";

/** What a rule sees of one registration: its type, logical name, inputs, the values the mock computed, and its account. */
export interface Registration {
    type: string;
    name: string;
    accountId: string;
    inputs: Record<string, unknown>;
    /** The mock cloud's computed state (names AWS or Pulumi would give, ids). */
    state: Record<string, unknown>;
    /** The default tags of the resource's provider, which AWS receives with the resource's own. */
    defaultTags?: Record<string, string>;
}

/** Running totals that span registrations (a role's inline policies, a group's rules). */
export class Tally {
    private readonly totals = new Map<string, number>();
    /** Adds `amount` under `key` and returns the new total. */
    add(key: string, amount: number): number {
        const total = (this.totals.get(key) ?? 0) + amount;
        this.totals.set(key, total);
        return total;
    }
}

export interface Rule {
    id: string;
    /** The resource type the rule applies to ("*": every AWS resource). */
    type: string;
    /** What is measured, in words ("role name length"). */
    what: string;
    limit: number;
    /** The AWS documentation page the limit comes from. */
    source: string;
    /** The measured value for this registration (a running total for aggregates), or undefined when the rule does not apply. */
    measure(r: Registration, tally: Tally): number | undefined;
}

export interface Violation {
    rule: Rule;
    resource: string;
    value: number;
}

const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const VPC_QUOTAS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups";
const LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html";
const S3_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";

/** A string input, or undefined when there is none or it is not known yet (a first preview's computed value). */
function text(value: unknown): string | undefined {
    // The rules see inputs as the engine would send them, secrets revealed and unknowns as their placeholder.
    return typeof value === "string" && value !== UNKNOWN && value !== UNKNOWN_PLACEHOLDER ? value : undefined;
}

/** IAM counts policy sizes without white space. */
export function nonWhitespaceLength(document: string): number {
    return document.replace(/\s/g, "").length;
}

function bytes(value: string): number {
    return Buffer.byteLength(value, "utf8");
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function family(rule: Record<string, unknown>): ("ipv4" | "ipv6")[] {
    if (text(rule.cidrIpv4)) return ["ipv4"];
    if (text(rule.cidrIpv6)) return ["ipv6"];
    // A rule naming a security group or prefix list counts against both families.
    return ["ipv4", "ipv6"];
}

function inboundRules(tally: Tally, groupId: string, families: ("ipv4" | "ipv6")[]): number {
    return Math.max(...families.map((f) => tally.add(`sg-rules|${groupId}|${f}`, 1)));
}

/** A rule that fails when a security-group list holds more groups than one network interface takes. */
function groupsPerInterface(type: string, where: string, pick: (inputs: Record<string, unknown>) => unknown): Rule {
    return {
        id: `${type.split(":")[1].split("/")[0]}-security-groups-per-interface`, type, what: `security groups on one network interface (${where})`, limit: 5, source: VPC_QUOTAS,
        measure: (r) => {
            const groups = pick(r.inputs);
            return Array.isArray(groups) ? groups.length : undefined;
        },
    };
}

const CLOUDWATCH_ALARM_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";
const CLOUDWATCH_DASHBOARD_BODY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html";
const CLOUDWATCH_QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html";
const METRIC_FILTER_API = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html";
const ROUTE53_NAMES = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html";
const TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html";

/** A dashboard body's widgets, or undefined when it is not one. */
function widgetsOf(body: unknown): Record<string, unknown>[] | undefined {
    const json = text(body);
    if (json === undefined) return undefined;
    try {
        const parsed = JSON.parse(json) as { widgets?: unknown };
        // "The dashboard must include a widgets array, but that array can be empty."
        return Array.isArray(parsed.widgets) ? parsed.widgets as Record<string, unknown>[] : undefined;
    } catch {
        return undefined;
    }
}

const metricsOf = (widget: Record<string, unknown>) => list((widget.properties as Record<string, unknown> | undefined)?.metrics).length;

export const RULES: readonly Rule[] = [
    {
        id: "iam-role-name-length", type: "aws:iam/role:Role", what: "role name length", limit: 64, source: IAM_QUOTAS,
        measure: (r) => text(r.state.name)?.length,
    },
    {
        id: "iam-trust-policy-size", type: "aws:iam/role:Role", what: "trust policy size (characters, white space not counted)", limit: 2048, source: IAM_QUOTAS,
        measure: (r) => { const d = text(r.inputs.assumeRolePolicy); return d === undefined ? undefined : nonWhitespaceLength(d); },
    },
    {
        id: "iam-roles-per-account", type: "aws:iam/role:Role", what: "IAM roles in one account (default quota)", limit: 1000, source: IAM_QUOTAS,
        measure: (r, tally) => tally.add(`roles|${r.accountId}`, 1),
    },
    {
        // Inline policies declared on the role itself count towards the same total as RolePolicy resources.
        id: "iam-role-inline-policies", type: "aws:iam/role:Role", what: "aggregate size of a role's inline policies (characters, white space not counted)", limit: 10240, source: IAM_QUOTAS,
        measure: (r, tally) => {
            const inline = list(r.inputs.inlinePolicies).map((p) => text((p as Record<string, unknown>).policy) ?? "");
            return inline.length === 0 ? undefined : tally.add(`inline|${r.accountId}|${String(r.state.name)}`, inline.reduce((n, d) => n + nonWhitespaceLength(d), 0));
        },
    },
    {
        id: "iam-role-managed-policies", type: "aws:iam/role:Role", what: "managed policies attached to one role (default quota)", limit: 10, source: IAM_QUOTAS,
        measure: (r, tally) => {
            const arns = list(r.inputs.managedPolicyArns);
            return arns.length === 0 ? undefined : tally.add(`attached|${r.accountId}|${String(r.state.name)}`, arns.length);
        },
    },
    {
        id: "iam-inline-policies-per-role", type: "aws:iam/rolePolicy:RolePolicy", what: "aggregate size of a role's inline policies (characters, white space not counted)", limit: 10240, source: IAM_QUOTAS,
        measure: (r, tally) => {
            const d = text(r.inputs.policy);
            return d === undefined ? undefined : tally.add(`inline|${r.accountId}|${String(r.inputs.role)}`, nonWhitespaceLength(d));
        },
    },
    {
        id: "iam-managed-policy-size", type: "aws:iam/policy:Policy", what: "managed policy size (characters, white space not counted)", limit: 6144, source: IAM_QUOTAS,
        measure: (r) => { const d = text(r.inputs.policy); return d === undefined ? undefined : nonWhitespaceLength(d); },
    },
    {
        id: "iam-managed-policies-per-role", type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", what: "managed policies attached to one role (default quota)", limit: 10, source: IAM_QUOTAS,
        measure: (r, tally) => tally.add(`attached|${r.accountId}|${String(r.inputs.role)}`, 1),
    },
    {
        id: "vpc-inbound-rules-per-group", type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", what: "inbound rules of one security group, per address family", limit: 60, source: VPC_QUOTAS,
        measure: (r, tally) => inboundRules(tally, String(r.inputs.securityGroupId), family(r.inputs)),
    },
    {
        id: "vpc-inline-inbound-rules-per-group", type: "aws:ec2/securityGroup:SecurityGroup", what: "inline inbound rules of one security group, per address family", limit: 60, source: VPC_QUOTAS,
        measure: (r, tally) => {
            const rules = list(r.inputs.ingress) as Record<string, unknown>[];
            if (rules.length === 0) return undefined;
            const counts = { ipv4: 0, ipv6: 0 };
            for (const rule of rules) {
                counts.ipv4 += list(rule.cidrBlocks).length + list(rule.securityGroups).length;
                counts.ipv6 += list(rule.ipv6CidrBlocks).length + list(rule.securityGroups).length;
            }
            const id = String(r.state.id ?? r.name);
            return Math.max(tally.add(`sg-rules|${id}|ipv4`, counts.ipv4), tally.add(`sg-rules|${id}|ipv6`, counts.ipv6));
        },
    },
    groupsPerInterface("aws:transfer/server:Server", "the server's VPC endpoint", (i) => (i.endpointDetails as Record<string, unknown> | undefined)?.securityGroupIds),
    groupsPerInterface("aws:ec2/vpcEndpoint:VpcEndpoint", "an interface endpoint", (i) => i.securityGroupIds),
    groupsPerInterface("aws:lambda/function:Function", "a VPC-attached function", (i) => (i.vpcConfig as Record<string, unknown> | undefined)?.securityGroupIds),
    {
        id: "transfer-ftp-endpoint-type", type: "aws:transfer/server:Server", what: "FTP/FTPS on an endpoint that is not VPC, or with Elastic IPs (count of offences)", limit: 0,
        source: "https://docs.aws.amazon.com/transfer/latest/APIReference/API_CreateServer.html",
        measure: (r) => {
            const protocols = list(r.inputs.protocols).map(String);
            if (!protocols.some((p) => p === "FTP" || p === "FTPS")) return undefined;
            const details = (r.inputs.endpointDetails ?? {}) as Record<string, unknown>;
            return (r.inputs.endpointType === "VPC" ? 0 : 1) + (list(details.addressAllocationIds).length > 0 ? 1 : 0) + (r.inputs.identityProviderType === "SERVICE_MANAGED" || r.inputs.identityProviderType === undefined ? 1 : 0);
        },
    },
    {
        id: "transfer-session-policy-length", type: "aws:secretsmanager/secretVersion:SecretVersion", what: "session policy length (Policy of a Transfer user secret)", limit: 2048,
        source: "https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-session.html",
        measure: (r) => {
            const body = text(r.inputs.secretString);
            if (body === undefined) return undefined;
            try {
                const policy = (JSON.parse(body) as Record<string, unknown>).Policy;
                return typeof policy === "string" ? policy.length : undefined;
            } catch {
                return undefined;
            }
        },
    },
    {
        id: "s3-bucket-name", type: "aws:s3/bucket:Bucket", what: "bucket name rule violations (3-63 of a-z 0-9 . -, no reserved prefix or suffix)", limit: 0, source: S3_NAMING,
        measure: (r) => { const name = text(r.state.bucket); return name === undefined ? undefined : s3BucketNameProblem(name) ? 1 : 0; },
    },
    {
        id: "s3-bucket-policy-size", type: "aws:s3/bucketPolicy:BucketPolicy", what: "bucket policy size (bytes)", limit: 20 * 1024,
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
        measure: (r) => { const d = text(r.inputs.policy); return d === undefined ? undefined : bytes(d); },
    },
    {
        id: "s3-lifecycle-rule-values", type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", what: "lifecycle rule offences (a day count that is not a positive whole number; ExpiredObjectDeleteMarker with Days or Date in one expiration)", limit: 0,
        source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html",
        measure: (r) => {
            const rules = list(r.inputs.rules) as Record<string, Record<string, unknown> | undefined>[];
            if (rules.length === 0) return undefined;
            const badDays = (v: unknown) => (v === undefined ? 0 : Number.isInteger(v) && (v as number) > 0 ? 0 : 1);
            return rules.reduce((sum, rule) => sum
                + badDays(rule.abortIncompleteMultipartUpload?.daysAfterInitiation) + badDays(rule.noncurrentVersionExpiration?.noncurrentDays) + badDays(rule.expiration?.days)
                + (rule.expiration?.expiredObjectDeleteMarker === true && (rule.expiration.days !== undefined || rule.expiration.date !== undefined) ? 1 : 0), 0);
        },
    },
    {
        id: "s3-lifecycle-rules-per-bucket", type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", what: "rules in one lifecycle configuration", limit: 1000,
        source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleConfiguration.html",
        measure: (r) => (Array.isArray(r.inputs.rules) ? r.inputs.rules.length : undefined),
    },
    {
        id: "kms-key-policy-size", type: "aws:kms/key:Key", what: "key policy size (bytes)", limit: 32 * 1024,
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html",
        measure: (r) => { const d = text(r.inputs.policy); return d === undefined ? undefined : bytes(d); },
    },
    {
        id: "secretsmanager-secret-name", type: "aws:secretsmanager/secret:Secret", what: "secret name rule violations (1-512 of ASCII letters, digits and /_+=.@-)", limit: 0,
        source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
        measure: (r) => { const name = text(r.state.name); return name === undefined ? undefined : secretsmanagerSecretNameProblem(name) ? 1 : 0; },
    },
    {
        id: "lambda-function-name-length", type: "aws:lambda/function:Function", what: "function name length", limit: 64, source: LAMBDA_QUOTAS,
        measure: (r) => text(r.state.name)?.length,
    },
    {
        id: "lambda-environment-size", type: "aws:lambda/function:Function", what: "environment variables size (bytes, names and values)", limit: 4096, source: LAMBDA_QUOTAS,
        measure: (r) => {
            const variables = ((r.inputs.environment ?? {}) as { variables?: Record<string, unknown> }).variables;
            if (!variables) return undefined;
            return Object.entries(variables).reduce((sum, [k, v]) => sum + bytes(k) + bytes(String(v)), 0);
        },
    },
    {
        id: "cloudwatch-alarm-name-length", type: "aws:cloudwatch/metricAlarm:MetricAlarm", what: "alarm name length", limit: 255, source: CLOUDWATCH_ALARM_API,
        measure: (r) => text(r.state.name)?.length,
    },
    {
        id: "cloudwatch-alarm-description-length", type: "aws:cloudwatch/metricAlarm:MetricAlarm", what: "alarm description length", limit: 1024, source: CLOUDWATCH_ALARM_API,
        measure: (r) => text(r.inputs.alarmDescription)?.length,
    },
    {
        id: "cloudwatch-alarm-actions", type: "aws:cloudwatch/metricAlarm:MetricAlarm", what: "actions of one alarm state (alarm, OK or insufficient data)", limit: 5, source: CLOUDWATCH_ALARM_API,
        measure: (r) => Math.max(list(r.inputs.alarmActions).length, list(r.inputs.okActions).length, list(r.inputs.insufficientDataActions).length),
    },
    {
        id: "cloudwatch-dashboard-name", type: "aws:cloudwatch/dashboard:Dashboard", what: "dashboard name rule violations (1-255 of A-Z a-z 0-9 - _)", limit: 0,
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
        measure: (r) => { const name = text(r.state.dashboardName); return name === undefined ? undefined : /^[A-Za-z0-9_-]{1,255}$/.test(name) ? 0 : 1; },
    },
    {
        id: "cloudwatch-dashboard-body-json", type: "aws:cloudwatch/dashboard:Dashboard", what: "dashboard bodies that are not JSON with a widgets array", limit: 0, source: CLOUDWATCH_DASHBOARD_BODY,
        measure: (r) => (text(r.inputs.dashboardBody) === undefined ? undefined : widgetsOf(r.inputs.dashboardBody) === undefined ? 1 : 0),
    },
    {
        id: "cloudwatch-dashboard-widgets", type: "aws:cloudwatch/dashboard:Dashboard", what: "widgets in one dashboard body", limit: 500, source: CLOUDWATCH_DASHBOARD_BODY,
        measure: (r) => widgetsOf(r.inputs.dashboardBody)?.length,
    },
    {
        id: "cloudwatch-dashboard-metrics-per-widget", type: "aws:cloudwatch/dashboard:Dashboard", what: "metrics in the largest widget of a dashboard", limit: 500, source: CLOUDWATCH_QUOTAS,
        measure: (r) => { const widgets = widgetsOf(r.inputs.dashboardBody); return widgets === undefined ? undefined : Math.max(0, ...widgets.map(metricsOf)); },
    },
    {
        id: "cloudwatch-dashboard-metrics", type: "aws:cloudwatch/dashboard:Dashboard", what: "metrics in one dashboard, all widgets", limit: 2500, source: CLOUDWATCH_QUOTAS,
        measure: (r) => widgetsOf(r.inputs.dashboardBody)?.reduce((n, w) => n + metricsOf(w), 0),
    },
    {
        id: "logs-metric-filter-pattern-length", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", what: "metric filter pattern length", limit: 1024, source: METRIC_FILTER_API,
        measure: (r) => text(r.inputs.pattern)?.length,
    },
    {
        id: "logs-metric-filter-name", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", what: "metric filter name rule violations (1-512 characters, no : or *)", limit: 0, source: METRIC_FILTER_API,
        measure: (r) => { const name = text(r.state.id); return name === undefined ? undefined : /^[^:*]{1,512}$/.test(name) ? 0 : 1; },
    },
    {
        id: "logs-metric-filters-per-log-group", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", what: "metric filters on one log group", limit: 100, source: METRIC_FILTER_API,
        measure: (r, tally) => tally.add(`metric-filters|${r.accountId}|${String(r.inputs.logGroupName)}`, 1),
    },
    {
        id: "logs-metric-filter-dimensions", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", what: "dimensions of one metric filter",
        limit: 3, source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-logs-metricfilter-metrictransformation.html",
        measure: (r) => Object.keys(((r.inputs.metricTransformation ?? {}) as { dimensions?: Record<string, unknown> }).dimensions ?? {}).length,
    },
    {
        id: "route53-record-name", type: "aws:route53/record:Record", what: "record name rule violations (labels of 1-63, 255 with the final dot, lowercase)", limit: 0, source: ROUTE53_NAMES,
        measure: (r) => { const name = text(r.inputs.name); return name === undefined ? undefined : dnsNameProblem(name) ? 1 : 0; },
    },
    {
        id: "route53-alias-target", type: "aws:route53/record:Record", what: "alias records without a target name and zone, or with a TTL or values (count of offences)", limit: 0,
        source: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html",
        measure: (r) => {
            const aliases = list(r.inputs.aliases) as Record<string, unknown>[];
            if (aliases.length === 0) return undefined;
            // A value not known yet (a first preview's endpoint name) is there all the same.
            const missing = (v: unknown) => v === undefined || v === null || v === "";
            return aliases.filter((a) => missing(a.name) || missing(a.zoneId)).length + (r.inputs.ttl !== undefined ? 1 : 0) + (list(r.inputs.records).length > 0 ? 1 : 0) + (aliases.length > 1 ? 1 : 0);
        },
    },
    {
        id: "transfer-login-banners", type: "aws:transfer/server:Server", what: `login banners over ${BANNER_MAX_LENGTH} characters or outside printable ASCII, tabs and line breaks`, limit: 0,
        source: "https://docs.aws.amazon.com/transfer/latest/APIReference/API_CreateServer.html",
        measure: (r) => [r.inputs.preAuthenticationLoginBanner, r.inputs.postAuthenticationLoginBanner].filter((b) => typeof b === "string" && (b.length > BANNER_MAX_LENGTH || !BANNER_PATTERN.test(b))).length,
    },
    {
        id: "sns-topic-name", type: "aws:sns/topic:Topic", what: "topic name rule violations (1-256 of A-Z a-z 0-9 - _)", limit: 0,
        source: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
        measure: (r) => { const name = text(r.state.name); return name === undefined ? undefined : /^[A-Za-z0-9_-]{1,256}$/.test(name) ? 0 : 1; },
    },
    {
        id: "ec2-route-target", type: "aws:ec2/route:Route", what: "route targets beyond exactly one (CreateRoute takes exactly one of its target ids)", limit: 0,
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html",
        measure: (r) => {
            const targets = ["gatewayId", "natGatewayId", "vpcPeeringConnectionId", "transitGatewayId", "networkInterfaceId", "vpcEndpointId", "egressOnlyGatewayId", "localGatewayId", "carrierGatewayId", "coreNetworkArn"]
                .filter((k) => r.inputs[k] !== undefined && r.inputs[k] !== null && r.inputs[k] !== "").length;
            return Math.abs(targets - 1);
        },
    },
    {
        id: "ec2-gateway-endpoint-service", type: "aws:ec2/vpcEndpoint:VpcEndpoint", what: "gateway endpoints for a service other than S3 or DynamoDB", limit: 0,
        source: "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
        measure: (r) => {
            const service = text(r.inputs.serviceName);
            if (r.inputs.vpcEndpointType !== "Gateway" || service === undefined) return undefined;
            return /\.(s3|dynamodb)$/.test(service) ? 0 : 1;
        },
    },
    {
        id: "ec2-user-data-size", type: "aws:ec2/instance:Instance", what: "user data size (bytes, before base64)", limit: 16 * 1024,
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        measure: (r) => { const data = text(r.inputs.userData); return data === undefined ? undefined : bytes(data); },
    },
    {
        id: "tags-per-resource", type: "*", what: "tags on one resource (the provider's default tags and its own)", limit: 50, source: TAGGING,
        measure: (r) => {
            const own = r.inputs.tags;
            if ((typeof own !== "object" || own === null) && !r.defaultTags) return undefined;
            return new Set([...Object.keys(r.defaultTags ?? {}), ...Object.keys((own ?? {}) as object)]).size;
        },
    },
];

const BY_TYPE = new Map<string, Rule[]>();
for (const rule of RULES) BY_TYPE.set(rule.type, [...(BY_TYPE.get(rule.type) ?? []), rule]);

/** Checks one registration against every rule of its type; the tally carries totals across calls. */
export function check(registration: Registration, tally: Tally): Violation[] {
    const violations: Violation[] = [];
    const everyResource = registration.type.startsWith("aws:") ? BY_TYPE.get("*") ?? [] : [];
    for (const rule of [...(BY_TYPE.get(registration.type) ?? []), ...everyResource]) {
        const value = rule.measure(registration, tally);
        if (value !== undefined && value > rule.limit) violations.push({ rule, resource: `${registration.type} "${registration.name}"`, value });
    }
    return violations;
}

export function describeViolation(v: Violation): string {
    return `AWS would refuse ${v.resource}: ${v.rule.what} is ${v.value}, the limit is ${v.rule.limit} [${v.rule.id}; ${v.rule.source}]`;
}
