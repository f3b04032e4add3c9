// Every row of the mock cloud's rules table, just under and just over its limit.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { InProcessCloud } from "../mock-cloud/in-process";
import { check, describeViolation, Registration, RULES, Tally } from "../mock-cloud/rules";

type Providers = { hub: aws.Provider };
/** Registers resources whose measured value for the rule is exactly `n`, or returns them for the table's check to see directly. */
type Probe = (n: number, p: Providers) => unknown;

/** A policy document of exactly `n` characters, none of them white space. */
function documentOfLength(n: number): string {
    const base = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] });
    assert.ok(n >= base.length, `${n} is shorter than the smallest document (${base.length})`);
    return base.replace('"Sid":""', `"Sid":"${"x".repeat(n - base.length)}"`);
}
const cidrs = (n: number, v6 = false) => Array.from({ length: n }, (_, i) => (v6 ? `2001:db8:${i.toString(16)}::/48` : `10.${Math.floor(i / 250)}.${i % 250}.0/24`));
const groups = (n: number) => Array.from({ length: n }, (_, i) => `sg-${String(i).padStart(17, "0")}`);
const opts = (p: Providers) => ({ provider: p.hub });

// A flag rule (limit 0) is probed with 0 (a valid value) and 1 (one broken rule).
const PROBES: Record<string, Probe> = {
    "ec2-route-target": (n, p) => new aws.ec2.Route("r", {
        routeTableId: "rtb-0aaaaaaaaaaaaaaaa", destinationCidrBlock: "10.254.0.0/24", vpcPeeringConnectionId: "pcx-0aaaaaaaaaaaaaaaa", ...(n > 0 ? { transitGatewayId: "tgw-0aaaaaaaaaaaaaaaa" } : {}),
    }, opts(p)),
    "ec2-gateway-endpoint-service": (n, p) => new aws.ec2.VpcEndpoint("g", { vpcId: "vpc-0aaaaaaaaaaaaaaaa", vpcEndpointType: "Gateway", serviceName: n > 0 ? "com.amazonaws.ap-northeast-1.ssm" : "com.amazonaws.ap-northeast-1.s3" }, opts(p)),
    "ec2-user-data-size": (n, p) => new aws.ec2.Instance("i", { ami: "ami-0aaaaaaaaaaaaaaaa", instanceType: "t3.micro", userData: "#".repeat(n) }, opts(p)),
    "iam-role-name-length": (n, p) => new aws.iam.Role("r", { name: "r".repeat(n), assumeRolePolicy: documentOfLength(200) }, opts(p)),
    "iam-trust-policy-size": (n, p) => new aws.iam.Role("r", { assumeRolePolicy: documentOfLength(n) }, opts(p)),
    // A thousand registrations through the SDK take seconds; the table's own check takes milliseconds.
    "iam-roles-per-account": (n) => Array.from({ length: n }, (_, i): Registration => ({ type: "aws:iam/role:Role", name: `r${i}`, accountId: "111111111111", inputs: { assumeRolePolicy: "{}" }, state: { name: `r${i}` } })),
    "iam-role-inline-policies": (n, p) => new aws.iam.Role("r", { name: "r", assumeRolePolicy: documentOfLength(200), inlinePolicies: [
        { name: "a", policy: documentOfLength(5000) }, { name: "b", policy: documentOfLength(n - 5000) },
    ] }, opts(p)),
    "iam-role-managed-policies": (n, p) => new aws.iam.Role("r", { name: "r", assumeRolePolicy: documentOfLength(200), managedPolicyArns: Array.from({ length: n }, (_, i) => `arn:aws:iam::aws:policy/P${i}`) }, opts(p)),
    "iam-inline-policies-per-role": (n, p) => {
        new aws.iam.RolePolicy("a", { role: "r", policy: documentOfLength(5000) }, opts(p));
        new aws.iam.RolePolicy("b", { role: "r", policy: documentOfLength(n - 5000) }, opts(p));
        new aws.iam.RolePolicy("other", { role: "another-role", policy: documentOfLength(9000) }, opts(p));
    },
    "iam-managed-policy-size": (n, p) => new aws.iam.Policy("m", { policy: documentOfLength(n) }, opts(p)),
    "iam-managed-policies-per-role": (n, p) => { for (let i = 0; i < n; i++) new aws.iam.RolePolicyAttachment(`a${i}`, { role: "r", policyArn: `arn:aws:iam::aws:policy/P${i}` }, opts(p)); },
    "vpc-inbound-rules-per-group": (n, p) => {
        // The other family is counted on its own: 60 IPv6 rules never push IPv4 over.
        for (const [i, cidr] of cidrs(n).entries()) new aws.vpc.SecurityGroupIngressRule(`v4-${i}`, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 21, toPort: 21, cidrIpv4: cidr }, opts(p));
        for (const [i, cidr] of cidrs(60, true).entries()) new aws.vpc.SecurityGroupIngressRule(`v6-${i}`, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 21, toPort: 21, cidrIpv6: cidr }, opts(p));
    },
    "vpc-inline-inbound-rules-per-group": (n, p) => new aws.ec2.SecurityGroup("sg", { ingress: [{ protocol: "tcp", fromPort: 21, toPort: 21, cidrBlocks: cidrs(n) }] }, opts(p)),
    // n offences: n - 1 rules with a zero day count, and, from 1 up, one expiration with a delete marker and Days.
    "s3-lifecycle-rule-values": (n, p) => new aws.s3.BucketLifecycleConfiguration("l", { bucket: "b", rules: [
        { id: "ok", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }, expiration: { expiredObjectDeleteMarker: true } },
        ...(n > 0 ? [{ id: "marker-with-days", status: "Enabled", filter: { prefix: "" }, expiration: { expiredObjectDeleteMarker: true, days: 30 } }] : []),
        ...Array.from({ length: Math.max(0, n - 1) }, (_, i) => ({ id: `zero-${i}`, status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 0 } })),
    ] }, opts(p)),
    "s3-lifecycle-rules-per-bucket": (n) => [{ type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name: "l", accountId: "111111111111", inputs: { rules: Array.from({ length: n }, (_, i) => ({ id: `r${i}`, status: "Enabled", expiration: { days: 1 } })) }, state: {} } as Registration],
    "transfer-security-groups-per-interface": (n, p) => new aws.transfer.Server("s", { endpointType: "VPC", protocols: ["FTP"], identityProviderType: "AWS_LAMBDA", endpointDetails: { vpcId: "vpc-1", securityGroupIds: groups(n) } }, opts(p)),
    "ec2-security-groups-per-interface": (n, p) => new aws.ec2.VpcEndpoint("e", { vpcId: "vpc-1", serviceName: "com.amazonaws.ap-northeast-1.sts", vpcEndpointType: "Interface", securityGroupIds: groups(n) }, opts(p)),
    "lambda-security-groups-per-interface": (n, p) => new aws.lambda.Function("f", { role: "arn:aws:iam::111111111111:role/r", runtime: "nodejs24.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}), vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: groups(n) } }, opts(p)),
    "transfer-ftp-endpoint-type": (n, p) => new aws.transfer.Server("s", { endpointType: n === 0 ? "VPC" : "PUBLIC", protocols: ["FTP"], identityProviderType: "AWS_LAMBDA", endpointDetails: n === 0 ? { vpcId: "vpc-1" } : undefined }, opts(p)),
    "transfer-session-policy-length": (n, p) => new aws.secretsmanager.SecretVersion("v", { secretId: "s", secretString: pulumi.secret(JSON.stringify({ Role: "arn:aws:iam::111111111111:role/r", Policy: "x".repeat(n) })) }, opts(p)),
    "s3-bucket-name": (n, p) => new aws.s3.Bucket("b", { bucket: n === 0 ? "closed-ftp-drop" : "Closed_FTP_Drop" }, opts(p)),
    "s3-bucket-policy-size": (n, p) => new aws.s3.BucketPolicy("bp", { bucket: "b", policy: documentOfLength(n) }, opts(p)),
    "kms-key-policy-size": (n, p) => new aws.kms.Key("k", { policy: documentOfLength(n) }, opts(p)),
    "secretsmanager-secret-name": (n, p) => new aws.secretsmanager.Secret("s", { name: n === 0 ? "aws/transfer/s-0123456789abcdef0/user1" : "aws/transfer/user 1" }, opts(p)),
    "lambda-function-name-length": (n, p) => new aws.lambda.Function("f", { name: "f".repeat(n), role: "arn:aws:iam::111111111111:role/r", runtime: "nodejs24.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}) }, opts(p)),
    "lambda-environment-size": (n, p) => new aws.lambda.Function("f", { role: "arn:aws:iam::111111111111:role/r", runtime: "nodejs24.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}), environment: { variables: { K: "v".repeat(n - 1) } } }, opts(p)),
    "cloudwatch-alarm-name-length": (n, p) => alarm({ name: "a".repeat(n) }, p),
    "cloudwatch-alarm-description-length": (n, p) => alarm({ alarmDescription: "d".repeat(n) }, p),
    "cloudwatch-alarm-actions": (n, p) => alarm({ alarmActions: Array.from({ length: n }, (_, i) => `arn:aws:sns:ap-northeast-1:111111111111:t${i}`) }, p),
    "cloudwatch-dashboard-name": (n, p) => new aws.cloudwatch.Dashboard("d", { dashboardName: n === 0 ? "closed-ftp-dev" : "closed-ftp dev", dashboardBody: "{\"widgets\":[]}" }, opts(p)),
    "cloudwatch-dashboard-body-json": (n, p) => new aws.cloudwatch.Dashboard("d", { dashboardName: "d", dashboardBody: n === 0 ? "{\"widgets\":[]}" : "{widgets: []}" }, opts(p)),
    "cloudwatch-dashboard-widgets": (n, p) => new aws.cloudwatch.Dashboard("d", { dashboardName: "d", dashboardBody: JSON.stringify({ widgets: Array.from({ length: n }, () => ({ type: "text", properties: { markdown: "x" } })) }) }, opts(p)),
    "cloudwatch-dashboard-metrics-per-widget": (n, p) => new aws.cloudwatch.Dashboard("d", { dashboardName: "d", dashboardBody: JSON.stringify({ widgets: [metricWidget(n), metricWidget(3)] }) }, opts(p)),
    "cloudwatch-dashboard-metrics": (n, p) => new aws.cloudwatch.Dashboard("d", { dashboardName: "d", dashboardBody: JSON.stringify({ widgets: Array.from({ length: Math.ceil(n / 500) }, (_, i) => metricWidget(Math.min(500, n - i * 500))) }) }, opts(p)),
    "logs-metric-filter-pattern-length": (n, p) => new aws.cloudwatch.LogMetricFilter("f", { logGroupName: "g", pattern: "x".repeat(n), metricTransformation: { name: "m", namespace: "n", value: "1" } }, opts(p)),
    "logs-metric-filter-name": (n, p) => new aws.cloudwatch.LogMetricFilter("f", { name: n === 0 ? "closed-ftp-dev-loginsDenied" : "closed-ftp:denied", logGroupName: "g", pattern: "", metricTransformation: { name: "m", namespace: "n", value: "1" } }, opts(p)),
    // The other log group's filters count on their own.
    "logs-metric-filters-per-log-group": (n) => [...Array.from({ length: n }, (_, i) => filterRegistration(`f${i}`, "g")), filterRegistration("other", "h")],
    "logs-metric-filter-dimensions": (n, p) => new aws.cloudwatch.LogMetricFilter("f", { logGroupName: "g", pattern: "{ $.a = * }", metricTransformation: { name: "m", namespace: "n", value: "1", dimensions: Object.fromEntries(Array.from({ length: n }, (_, i) => [`D${i}`, `$.d${i}`])) } }, opts(p)),
    "route53-record-name": (n, p) => new aws.route53.Record("r", { zoneId: "Z1", name: n === 0 ? "ftp.corp.example.com" : "ftp..corp.example.com", type: "A", aliases: [{ name: "vpce-1.vpce.amazonaws.com", zoneId: "Z2", evaluateTargetHealth: false }] }, opts(p)),
    "route53-alias-target": (n, p) => new aws.route53.Record("r", { zoneId: "Z1", name: "ftp.corp.example.com", type: "A", aliases: [{ name: "vpce-1.vpce.amazonaws.com", zoneId: n === 0 ? "Z2" : "", evaluateTargetHealth: false }] }, opts(p)),
    "transfer-login-banners": (n, p) => new aws.transfer.Server("s", {
        endpointType: "VPC", protocols: ["FTP"], identityProviderType: "AWS_LAMBDA", endpointDetails: { vpcId: "vpc-1" },
        preAuthenticationLoginBanner: "x".repeat(4096), postAuthenticationLoginBanner: n === 0 ? "Welcome.\r\n\tBye." : "Welcome \u2013 bye.",
    }, opts(p)),
    "sns-topic-name": (n, p) => new aws.sns.Topic("t", { name: n === 0 ? "closed-ftp-dev-alarms" : "closed-ftp.dev.alarms" }, opts(p)),
    // The provider's default tags count with the resource's own: 3 defaults and n - 3 of its own.
    "tags-per-resource": (n) => [{
        type: "aws:sns/topic:Topic", name: "t", accountId: "111111111111", defaultTags: { Project: "closed-ftp", Stack: "dev", Account: "hub" },
        inputs: { tags: Object.fromEntries(Array.from({ length: n - 3 }, (_, i) => [`T${i}`, "v"])) }, state: { name: "t" },
    } as Registration],
};

function alarm(args: Partial<aws.cloudwatch.MetricAlarmArgs>, p: Providers): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm("a", { comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, metricName: "Errors", namespace: "AWS/Lambda", period: 300, statistic: "Sum", threshold: 1, ...args }, opts(p));
}
function metricWidget(metrics: number) {
    return { type: "metric", properties: { metrics: Array.from({ length: metrics }, (_, i) => ["AWS/Lambda", "Errors", "FunctionName", `f${i}`]) } };
}
function filterRegistration(name: string, logGroupName: string): Registration {
    return { type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", name, accountId: "111111111111", inputs: { logGroupName, pattern: "" }, state: { id: name } };
}

async function violationsOf(probe: Probe, n: number) {
    const cloud = await InProcessCloud.install({ stack: "rules", defaultAccountId: "999999999999" });
    const hub = new aws.Provider("hub", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
    const direct = probe(n, { hub });
    if (Array.isArray(direct)) {
        const tally = new Tally();
        const violations = (direct as Registration[]).flatMap((r) => check(r, tally));
        return { violations, settled: violations.length > 0 ? new Error(violations.map(describeViolation).join("\n")) : undefined };
    }
    let settled: Error | undefined;
    await cloud.settled().catch((err: Error) => { settled = err; });
    return { violations: cloud.violations, settled };
}

describe("the mock cloud's rules table", () => {
    it("has a probe for every rule, and every rule names an AWS documentation page", () => {
        assert.deepStrictEqual(RULES.map((r) => r.id).filter((id) => !PROBES[id]), []);
        for (const rule of RULES) assert.match(rule.source, /^https:\/\/docs\.aws\.amazon\.com\//, rule.id);
    });

    for (const rule of RULES) {
        it(`${rule.id}: accepts ${rule.limit}, refuses ${rule.limit + 1}, naming the resource, the rule, the value and the limit`, async () => {
            const probe = PROBES[rule.id];
            assert.ok(probe, `no probe for ${rule.id}`);
            const under = await violationsOf(probe, rule.limit);
            assert.deepStrictEqual(under.violations.map((v) => v.rule.id), []);
            assert.strictEqual(under.settled, undefined);
            const over = await violationsOf(probe, rule.limit + 1);
            assert.deepStrictEqual([...new Set(over.violations.map((v) => v.rule.id))], [rule.id]);
            assert.strictEqual(over.violations[0].value, rule.limit + 1);
            assert.match(String(over.settled?.message), new RegExp(`AWS would refuse ${rule.type === "*" ? "aws:\\S+" : rule.type.replace(/[/$]/g, "\\$&")} ".+": .+ is ${rule.limit + 1}, the limit is ${rule.limit} \\[${rule.id}; https://docs\\.aws\\.amazon\\.com/`));
        });
    }
});

describe("the mock cloud as the engine", () => {
    it("refuses two resources with one URN, as the engine does", async () => {
        const cloud = await InProcessCloud.install({ stack: "rules" });
        const hub = new aws.Provider("hub", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
        new aws.s3.Bucket("same", {}, { provider: hub });
        new aws.s3.Bucket("same", {}, { provider: hub });
        await assert.rejects(cloud.settled(), /Duplicate resource URN 'urn:pulumi:rules::closed-ftp::aws:s3\/bucket:Bucket::same'/);
    });
});
