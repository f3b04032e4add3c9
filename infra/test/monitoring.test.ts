// The monitoring: alarms on metrics AWS documents (or the stack's own log filters publish), a topic
// only the stack's alarms may publish to, and a dashboard body that CloudWatch would take.
import * as assert from "assert";
import { dashboardBody, dashboardWidgets, DashboardInput } from "../dashboard";
import { AlarmSettings, FtpMonitoring, FtpMonitoringArgs } from "../monitoring";
import { ALARM_NAMES, alarmMetric, ALARMS, AWS_METRICS, LAMBDA_METRICS_PAGE, LOGIN_FILTERS, MetricSpec, stackMetrics, TRANSFER_METRICS_PAGE } from "../monitoring-model";
import { DENIAL_REASONS } from "../../idp-lambda/authenticate";
import { logLogin } from "../../idp-lambda/log";
import { RULES } from "../../plan/mock-cloud/rules";
import { HUB_ACCOUNT, onMockCloud, parsePolicy, REGION } from "./harness";

const STACK = "dev";
const defaults = Object.fromEntries(ALARM_NAMES.map((name) => [name, { enabled: true, threshold: ALARMS[name].threshold, evaluationPeriods: 1 }])) as Record<keyof typeof ALARMS, AlarmSettings>;

function monitoringArgs(overrides: Partial<FtpMonitoringArgs> = {}): FtpMonitoringArgs {
    return {
        stack: STACK, accountId: HUB_ACCOUNT, region: REGION, partition: "aws", serverId: "s-0123456789abcdef0", idpFunctionName: "closed-ftp-dev-idp",
        idpLogGroupName: "/closed-ftp/dev/idp", transferLogGroupName: "/closed-ftp/dev/transfer", alarms: defaults, ...overrides,
    };
}

const deploy = (overrides: Partial<FtpMonitoringArgs> = {}) => onMockCloud(({ hub }) => new FtpMonitoring("monitoring", monitoringArgs(overrides), { provider: hub }));

/** Every metric a documented source names: AWS's pages, or the stack's own metric filters. */
const documented = (): MetricSpec[] => [...Object.values(AWS_METRICS), ...Object.values(stackMetrics(STACK))];

const INPUT: DashboardInput = {
    region: REGION, stack: STACK, serverId: "s-0123456789abcdef0", idpFunctionName: "closed-ftp-dev-idp", idpLogGroupName: "/closed-ftp/dev/idp",
    transferLogGroupName: "/closed-ftp/dev/transfer", alarmArns: ALARM_NAMES.map((n) => `arn:aws:cloudwatch:${REGION}:${HUB_ACCOUNT}:alarm:closed-ftp-dev-${n}`),
};

describe("the monitoring", () => {
    it("alarms only on metrics AWS documents (Lambda's and Transfer's pages) or the stack's own log filters publish", () => {
        for (const spec of Object.values(AWS_METRICS)) {
            assert.ok(spec.namespace === "AWS/Lambda" ? spec.source === LAMBDA_METRICS_PAGE : spec.namespace === "AWS/Transfer" && spec.source === TRANSFER_METRICS_PAGE, spec.metricName);
        }
        // The metric names as the pages list them.
        assert.deepStrictEqual(Object.values(AWS_METRICS).filter((m) => m.namespace === "AWS/Lambda").map((m) => m.metricName).sort(), ["Duration", "Errors", "Invocations", "Throttles"]);
        assert.deepStrictEqual(Object.values(AWS_METRICS).filter((m) => m.namespace === "AWS/Transfer").map((m) => m.metricName).sort(), ["BytesIn", "BytesOut", "FilesIn", "FilesOut"]);
        for (const name of ALARM_NAMES) {
            const metric = alarmMetric(STACK, name);
            assert.ok(documented().some((m) => m.metricName === metric.metricName && m.namespace === metric.namespace), name);
        }
    });

    it("counts logins by the fields the IdP's log line carries at its top level (Lambda passes a JSON line through as it is)", () => {
        const lines: string[] = [];
        logLogin({ outcome: "denied", reason: "wrong-password", username: "partner-a" }, (l) => lines.push(l));
        logLogin({ outcome: "granted", reason: "password-ok", username: "partner-a" }, (l) => lines.push(l));
        const [denied, granted] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        // Each filter's `$.field = "value"` terms, held against the two lines.
        const matches = (pattern: string, event: Record<string, unknown>) => [...pattern.matchAll(/\$\.(\w+) = ("([^"]*)"|\*)/g)]
            .every(([, field, , value]) => (value === undefined ? event[field] !== undefined : event[field] === value));
        assert.deepStrictEqual([matches(LOGIN_FILTERS.loginsDenied.pattern, denied), matches(LOGIN_FILTERS.loginsDenied.pattern, granted)], [true, false]);
        assert.deepStrictEqual([matches(LOGIN_FILTERS.loginsGranted.pattern, granted), matches(LOGIN_FILTERS.loginsGranted.pattern, denied)], [true, false]);
        assert.deepStrictEqual([matches(LOGIN_FILTERS.loginsDeniedByReason.pattern, denied), matches(LOGIN_FILTERS.loginsDeniedByReason.pattern, granted)], [true, false]);
    });

    it("creates the filters, the alarms to the stack's topic, a topic only those alarms may publish to over TLS, and an email subscription", async () => {
        const { cloud } = await deploy({ emails: ["ftp-operations@example.com"] });
        const filters = cloud.byType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
        assert.deepStrictEqual(filters.map((f) => [f.inputs.name, f.inputs.logGroupName, (f.inputs.metricTransformation as { namespace: string }).namespace]),
            Object.keys(LOGIN_FILTERS).map((key) => [`closed-ftp-dev-${key}`, "/closed-ftp/dev/idp", "closed-ftp/dev"]));
        const byReason = filters.find((f) => f.inputs.name === "closed-ftp-dev-loginsDeniedByReason")?.inputs.metricTransformation as { dimensions: Record<string, string> };
        assert.deepStrictEqual(byReason.dimensions, { Reason: "$.reason" });

        const topic = cloud.find("aws:sns/topic:Topic", "monitoring-alarms");
        assert.strictEqual(topic.inputs.name, "closed-ftp-dev-alarms");
        const alarms = cloud.byType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepStrictEqual(alarms.map((a) => a.inputs.name), ALARM_NAMES.map((n) => `closed-ftp-dev-${n}`));
        for (const a of alarms) {
            assert.deepStrictEqual([a.inputs.alarmActions, a.inputs.okActions, a.inputs.treatMissingData, a.inputs.period], [[topic.state.arn], [topic.state.arn], "notBreaching", 300], String(a.inputs.name));
        }
        const failed = cloud.find("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-failedLogins");
        assert.deepStrictEqual([failed.inputs.namespace, failed.inputs.metricName, failed.inputs.statistic, failed.inputs.threshold, failed.inputs.dimensions], ["closed-ftp/dev", "LoginsDenied", "Sum", 10, undefined]);
        const duration = cloud.find("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-idpDuration");
        assert.deepStrictEqual([duration.inputs.namespace, duration.inputs.metricName, duration.inputs.statistic, duration.inputs.threshold, duration.inputs.dimensions], ["AWS/Lambda", "Duration", "Maximum", 8000, { FunctionName: "closed-ftp-dev-idp" }]);

        const policy = parsePolicy(cloud.find("aws:sns/topicPolicy:TopicPolicy", "monitoring-alarms").inputs.policy);
        assert.deepStrictEqual(policy.Statement[0].Principal, { Service: "cloudwatch.amazonaws.com" });
        assert.deepStrictEqual(policy.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": HUB_ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${HUB_ACCOUNT}:alarm:closed-ftp-dev-*` } });
        assert.deepStrictEqual([policy.Statement[1].Effect, policy.Statement[1].Condition], ["Deny", { Bool: { "aws:SecureTransport": false } }]);
        const [subscription] = cloud.byType("aws:sns/topicSubscription:TopicSubscription");
        assert.deepStrictEqual([subscription.name, subscription.inputs.protocol, subscription.inputs.endpoint], ["monitoring-email-ftp-operations-example-com", "email", "ftp-operations@example.com"]);
    });

    it("uses an existing topic without creating one, leaves disabled alarms out, takes the config's thresholds and needs no dashboard", async () => {
        const topicArn = `arn:aws:sns:${REGION}:${HUB_ACCOUNT}:ops-alerts`;
        const { cloud } = await deploy({ topicArn, dashboard: false, alarms: { ...defaults, idpDuration: { enabled: false, threshold: 8000, evaluationPeriods: 1 }, failedLogins: { enabled: true, threshold: 50, evaluationPeriods: 3 } } });
        assert.deepStrictEqual([cloud.byType("aws:sns/topic:Topic"), cloud.byType("aws:sns/topicPolicy:TopicPolicy"), cloud.byType("aws:cloudwatch/dashboard:Dashboard")], [[], [], []]);
        const alarms = cloud.byType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepStrictEqual(alarms.map((a) => a.name), ["monitoring-failedLogins", "monitoring-idpErrors", "monitoring-idpThrottles"]);
        assert.deepStrictEqual([alarms[0].inputs.threshold, alarms[0].inputs.evaluationPeriods, alarms[0].inputs.alarmActions], [50, 3, [topicArn]]);
    });

    it("refuses emails with an existing topic, and two emails that would name one subscription", async () => {
        await assert.rejects(deploy({ topicArn: `arn:aws:sns:${REGION}:${HUB_ACCOUNT}:ops`, emails: ["a@example.com"] }), /FtpMonitoring monitoring: emails subscribe to the stack's own topic/);
        await assert.rejects(deploy({ emails: ["Ops@Example.com", "ops@example.com"] }), /two emails name one subscription \(ops-example-com\)/);
    });
});

describe("the dashboard body", () => {
    const widgets = dashboardWidgets(INPUT);
    const body = dashboardBody(INPUT);

    it("is JSON CloudWatch takes: a widgets array within the rules table's limits, each widget on the 24-column grid", () => {
        const parsed = JSON.parse(body) as { widgets: Record<string, unknown>[] };
        assert.deepStrictEqual(parsed.widgets, widgets);
        const limit = (id: string) => (RULES.find((r) => r.id === id) as { limit: number }).limit;
        const metrics = widgets.map((w) => (Array.isArray(w.properties.metrics) ? w.properties.metrics.length : 0));
        assert.ok(widgets.length <= limit("cloudwatch-dashboard-widgets"));
        assert.ok(Math.max(...metrics) <= limit("cloudwatch-dashboard-metrics-per-widget"));
        assert.ok(metrics.reduce((a, b) => a + b, 0) <= limit("cloudwatch-dashboard-metrics"));
        for (const w of widgets) assert.ok(w.x >= 0 && w.x + w.width <= 24 && w.width > 0 && w.height > 0, JSON.stringify(w));
    });

    it("graphs only documented metrics, each of this stack's function or server", () => {
        for (const w of widgets.filter((x) => x.type === "metric")) {
            for (const line of w.properties.metrics as (string | object)[][]) {
                const [namespace, metricName, dimension, value] = line as string[];
                const spec = documented().find((m) => m.namespace === namespace && m.metricName === metricName);
                assert.ok(spec, `${namespace} ${metricName} in "${String(w.properties.title)}" is not documented`);
                if (spec.dimension === "FunctionName") assert.deepStrictEqual([dimension, value], ["FunctionName", "closed-ftp-dev-idp"]);
                if (spec.dimension === "ServerId") assert.deepStrictEqual([dimension, value], ["ServerId", "s-0123456789abcdef0"]);
                if (spec.dimension === "Reason") assert.ok(dimension === "Reason" && (DENIAL_REASONS as readonly string[]).includes(value), value);
                assert.strictEqual(w.properties.region, REGION);
            }
        }
    });

    it("shows logins granted and denied by reason, the latest denials, IdP latency and errors, files and bytes, and the alarms", () => {
        const titles = widgets.map((w) => String(w.properties.title));
        const metricsOf = (title: string) => (widgets.find((w) => w.properties.title === title)?.properties.metrics as string[][]).map((l) => l[1]);
        assert.deepStrictEqual(metricsOf("Logins granted and denied (per 5 minutes)"), ["LoginsGranted", "LoginsDenied"]);
        assert.strictEqual(metricsOf("Logins denied, by reason").length, DENIAL_REASONS.length);
        assert.deepStrictEqual(metricsOf("IdP invocations, errors and throttles"), ["Invocations", "Errors", "Throttles"]);
        assert.deepStrictEqual(metricsOf("Files in and out"), ["FilesIn", "FilesOut"]);
        assert.deepStrictEqual(metricsOf("Bytes in and out"), ["BytesIn", "BytesOut"]);
        assert.ok(titles.includes("IdP latency (ms)"));
        assert.deepStrictEqual(widgets.find((w) => w.type === "alarm")?.properties.alarms, INPUT.alarmArns);
        const queries = widgets.filter((w) => w.type === "log").map((w) => String(w.properties.query));
        assert.match(queries[0], /^SOURCE '\/closed-ftp\/dev\/idp' \| .*filter outcome = "denied"/);
        assert.match(queries[1], /^SOURCE '\/closed-ftp\/dev\/transfer' \| .*`activity-type` in \["ERROR", "AUTH_FAILURE", "TLS_RESUME_FAILURE"\]/);
    });

    it("leaves the alarm widget out when every alarm is off (CloudWatch refuses one that names none)", () => {
        assert.deepStrictEqual(dashboardWidgets({ ...INPUT, alarmArns: [] }).filter((w) => w.type === "alarm"), []);
    });
});
