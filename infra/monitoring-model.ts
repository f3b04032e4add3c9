// What closed-ftp watches, written once: the metrics AWS documents (with the page that documents
// each), the metrics the stack's own log filters publish, and the alarms with their defaults. The
// monitoring component, the dashboard renderer, the config schema and the tests read it. Pure.

export const LAMBDA_METRICS_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";
export const TRANSFER_METRICS_PAGE = "https://docs.aws.amazon.com/transfer/latest/userguide/metrics.html";
export const METRIC_FILTER_PAGE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html";

/** A metric and the dimension it is read by. */
export interface MetricSpec {
    namespace: string;
    metricName: string;
    /** The dimension that picks this stack's series (absent: the namespace is the stack's own). */
    dimension?: "FunctionName" | "ServerId" | "Reason";
    unit: string;
    /** Where AWS documents it, or which metric filter of the stack publishes it. */
    source: string;
}

/**
 * The AWS metrics the alarms and the dashboard read. AWS/Transfer has no failure metric for an FTP
 * server: its failure metrics are for AS2 messages and workflow executions only (TRANSFER_METRICS_PAGE).
 */
export const AWS_METRICS = {
    idpInvocations: { namespace: "AWS/Lambda", metricName: "Invocations", dimension: "FunctionName", unit: "Count", source: LAMBDA_METRICS_PAGE },
    idpErrors: { namespace: "AWS/Lambda", metricName: "Errors", dimension: "FunctionName", unit: "Count", source: LAMBDA_METRICS_PAGE },
    idpThrottles: { namespace: "AWS/Lambda", metricName: "Throttles", dimension: "FunctionName", unit: "Count", source: LAMBDA_METRICS_PAGE },
    idpDuration: { namespace: "AWS/Lambda", metricName: "Duration", dimension: "FunctionName", unit: "Milliseconds", source: LAMBDA_METRICS_PAGE },
    filesIn: { namespace: "AWS/Transfer", metricName: "FilesIn", dimension: "ServerId", unit: "Count", source: TRANSFER_METRICS_PAGE },
    filesOut: { namespace: "AWS/Transfer", metricName: "FilesOut", dimension: "ServerId", unit: "Count", source: TRANSFER_METRICS_PAGE },
    bytesIn: { namespace: "AWS/Transfer", metricName: "BytesIn", dimension: "ServerId", unit: "Bytes", source: TRANSFER_METRICS_PAGE },
    bytesOut: { namespace: "AWS/Transfer", metricName: "BytesOut", dimension: "ServerId", unit: "Bytes", source: TRANSFER_METRICS_PAGE },
} as const satisfies Record<string, MetricSpec>;

/** The namespace of the metrics the stack's log filters publish. */
export function stackNamespace(stack: string): string {
    return `closed-ftp/${stack}`;
}

/** A metric filter on the IdP's JSON log lines (idp-lambda/log.ts writes `outcome` and `reason` at the top level). */
export interface LoginFilterSpec {
    metricName: string;
    pattern: string;
    /** Published per value of the log's `reason` field. */
    byReason?: boolean;
}

export const LOGIN_FILTERS = {
    loginsGranted: { metricName: "LoginsGranted", pattern: '{ $.outcome = "granted" }' },
    loginsDenied: { metricName: "LoginsDenied", pattern: '{ $.outcome = "denied" }' },
    // A separate filter: an alarm cannot sum a dimensioned metric across its values, the dashboard can.
    loginsDeniedByReason: { metricName: "LoginsDeniedByReason", pattern: '{ ($.outcome = "denied") && ($.reason = *) }', byReason: true },
} as const satisfies Record<string, LoginFilterSpec>;

/** The stack's own metrics, as MetricSpecs. */
export function stackMetrics(stack: string): Record<keyof typeof LOGIN_FILTERS, MetricSpec> {
    const spec = (key: keyof typeof LOGIN_FILTERS): MetricSpec => ({
        namespace: stackNamespace(stack), metricName: LOGIN_FILTERS[key].metricName, unit: "Count",
        ...("byReason" in LOGIN_FILTERS[key] ? { dimension: "Reason" as const } : {}),
        source: `the ${LOGIN_FILTERS[key].metricName} metric filter on the IdP log (${METRIC_FILTER_PAGE})`,
    });
    return { loginsGranted: spec("loginsGranted"), loginsDenied: spec("loginsDenied"), loginsDeniedByReason: spec("loginsDeniedByReason") };
}

/** The IdP function's timeout; the duration alarm's default is a share of it. */
export const IDP_TIMEOUT_SECONDS = 10;

export interface AlarmSpec {
    /** What fires it, for the alarm's description and the README. */
    what: string;
    metric: "idpErrors" | "idpThrottles" | "idpDuration" | "loginsDenied";
    statistic: "Sum" | "Maximum";
    /** The default threshold (the alarm fires at or above it), and the largest config accepts. */
    threshold: number;
    maxThreshold: number;
    unit: string;
    /** What the operator does first (README, Operations). */
    firstLook: string;
}

/** Five-minute periods: a partner's failed logins are counted per 5 minutes. */
export const ALARM_PERIOD_SECONDS = 300;

/** The alarms, with defaults for a small estate (a handful of partners, a few logins an hour). */
export const ALARMS = {
    failedLogins: {
        what: "logins the IdP denied in 5 minutes", metric: "loginsDenied", statistic: "Sum", threshold: 10, maxThreshold: 1_000_000, unit: "logins",
        firstLook: "the dashboard's denied-by-reason graph and its latest-denials table: who, from where, why",
    },
    idpErrors: {
        what: "IdP invocations that failed (an exception, a timeout) in 5 minutes", metric: "idpErrors", statistic: "Sum", threshold: 1, maxThreshold: 1_000_000, unit: "errors",
        firstLook: "the IdP log group for the failing requests; every login fails while it lasts",
    },
    idpThrottles: {
        what: "IdP invocations Lambda throttled in 5 minutes", metric: "idpThrottles", statistic: "Sum", threshold: 1, maxThreshold: 1_000_000, unit: "throttles",
        firstLook: "server.idpReservedConcurrency and the account's Lambda concurrency: throttled logins fail",
    },
    idpDuration: {
        what: "the slowest IdP invocation in 5 minutes, near its timeout", metric: "idpDuration", statistic: "Maximum", threshold: IDP_TIMEOUT_SECONDS * 1000 * 0.8, maxThreshold: IDP_TIMEOUT_SECONDS * 1000, unit: "milliseconds",
        firstLook: "the Secrets Manager endpoint and the IdP's durationMs in its log: past the timeout a login fails",
    },
} as const satisfies Record<string, AlarmSpec>;

export type AlarmName = keyof typeof ALARMS;
export const ALARM_NAMES = Object.keys(ALARMS) as AlarmName[];

/** The metric an alarm watches, in the stack's namespace or AWS's. */
export function alarmMetric(stack: string, name: AlarmName): MetricSpec {
    const metric = ALARMS[name].metric;
    return metric === "loginsDenied" ? stackMetrics(stack).loginsDenied : AWS_METRICS[metric];
}
