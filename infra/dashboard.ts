// The stack's CloudWatch dashboard body, rendered by a pure function from plain values: logins
// granted and denied by reason, the IdP's latency and errors, files and bytes in and out, the alarms'
// state, and the latest denials from the IdP's log. Body syntax:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import { DENIAL_REASONS } from "../idp-lambda/authenticate";
import { ALARM_PERIOD_SECONDS, AWS_METRICS, MetricSpec, stackMetrics } from "./monitoring-model";

export interface DashboardInput {
    region: string;
    stack: string;
    serverId: string;
    idpFunctionName: string;
    idpLogGroupName: string;
    transferLogGroupName: string;
    /** The stack's alarms, for the alarm status widget. */
    alarmArns: string[];
}

/** A metric line of a widget: namespace, name, its dimension and value, and per-line options. */
type MetricLine = (string | Record<string, string>)[];

interface Widget {
    type: "metric" | "alarm" | "log" | "text";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

/** The dashboard's widgets: what `dashboardBody` renders, and what the tests read. */
export function dashboardWidgets(input: DashboardInput): Widget[] {
    const own = stackMetrics(input.stack);
    const dimensionValue = (spec: MetricSpec): string => (spec.dimension === "FunctionName" ? input.idpFunctionName : input.serverId);
    const line = (spec: MetricSpec, options: Record<string, string> = {}): MetricLine => [
        spec.namespace, spec.metricName, ...(spec.dimension && spec.dimension !== "Reason" ? [spec.dimension, dimensionValue(spec)] : []),
        ...(Object.keys(options).length > 0 ? [options] : []),
    ];
    const graph = (title: string, metrics: MetricLine[], extra: Record<string, unknown> = {}) => ({
        type: "metric" as const,
        properties: { title, region: input.region, view: "timeSeries", stacked: false, stat: "Sum", period: ALARM_PERIOD_SECONDS, metrics, ...extra },
    });
    const quoted = (name: string) => `'${name.replace(/'/g, "")}'`;
    const cells: Omit<Widget, "x" | "y" | "width" | "height">[] = [
        graph("Logins granted and denied (per 5 minutes)", [line(own.loginsGranted, { label: "granted" }), line(own.loginsDenied, { label: "denied" })]),
        graph("Logins denied, by reason", DENIAL_REASONS.map((reason) => [own.loginsDeniedByReason.namespace, own.loginsDeniedByReason.metricName, "Reason", reason, { label: reason }])),
        {
            type: "log",
            properties: {
                title: "Latest denied logins (IdP log)", region: input.region, view: "table",
                query: `SOURCE ${quoted(input.idpLogGroupName)} | fields @timestamp, username, sourceIp, reason, protocol | filter outcome = "denied" | sort @timestamp desc | limit 50`,
            },
        },
        // An alarm widget must name an alarm: with every alarm off, it is left out.
        ...(input.alarmArns.length > 0 ? [{ type: "alarm" as const, properties: { title: "Alarms", alarms: input.alarmArns, sortBy: "stateUpdatedTimestamp" } }] : []),
        graph("IdP latency (ms)", [
            line(AWS_METRICS.idpDuration, { stat: "p50", label: "p50" }),
            line(AWS_METRICS.idpDuration, { stat: "p99", label: "p99" }),
            line(AWS_METRICS.idpDuration, { stat: "Maximum", label: "max" }),
        ]),
        graph("IdP invocations, errors and throttles", [line(AWS_METRICS.idpInvocations), line(AWS_METRICS.idpErrors), line(AWS_METRICS.idpThrottles)]),
        graph("Files in and out", [line(AWS_METRICS.filesIn), line(AWS_METRICS.filesOut)]),
        graph("Bytes in and out", [line(AWS_METRICS.bytesIn), line(AWS_METRICS.bytesOut)]),
        {
            type: "log",
            properties: {
                title: "Transfer errors and failed authentications (server log)", region: input.region, view: "table",
                // Logs Insights takes a field with a dash in backticks.
                query: `SOURCE ${quoted(input.transferLogGroupName)} | fields @timestamp, \`activity-type\`, user, \`client-ip\`, message | filter \`activity-type\` in ["ERROR", "AUTH_FAILURE", "TLS_RESUME_FAILURE"] | sort @timestamp desc | limit 50`,
            },
        },
    ];
    // Two widgets a row, 12 of the grid's 24 columns each.
    return cells.map((cell, i) => ({ ...cell, x: (i % 2) * 12, y: Math.floor(i / 2) * 6, width: 12, height: 6 }));
}

/** The dashboard body, as PutDashboard takes it. */
export function dashboardBody(input: DashboardInput): string {
    return JSON.stringify({ start: "-PT12H", periodOverride: "inherit", widgets: dashboardWidgets(input) });
}
