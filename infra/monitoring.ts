import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { dashboardBody } from "./dashboard";
import { ALARM_NAMES, ALARM_PERIOD_SECONDS, AlarmName, alarmMetric, ALARMS, LOGIN_FILTERS, stackNamespace } from "./monitoring-model";
import { alarmName, alarmNamePrefix, alarmTopicName, dashboardName, metricFilterName } from "./naming";
import { alarmTopicPolicy } from "./policies";
import { nameTag } from "./tags";

export interface AlarmSettings {
    enabled: boolean;
    threshold: number;
    evaluationPeriods: number;
}

export interface FtpMonitoringArgs {
    stack: string;
    accountId: string;
    region: string;
    partition: string;
    serverId: pulumi.Input<string>;
    idpFunctionName: pulumi.Input<string>;
    idpLogGroupName: pulumi.Input<string>;
    transferLogGroupName: pulumi.Input<string>;
    /** Per alarm: on or off, its threshold and how many 5-minute periods it must breach. */
    alarms: Record<AlarmName, AlarmSettings>;
    /** An existing topic for the alarms; unset, the stack creates one. */
    topicArn?: string;
    /** Email subscriptions to the stack's topic (each recipient confirms by email). */
    emails?: string[];
    /** Create the dashboard (default true). */
    dashboard?: boolean;
}

/** The part of an email address that names its subscription's resource. */
export function emailSlug(email: string): string {
    return email.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * What an operator of the server watches: metric filters that count the IdP's logins by outcome and
 * reason, alarms on them and on the IdP function, an SNS topic the alarms publish to, and a dashboard.
 */
export class FtpMonitoring extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    /** The alarms, by key (failedLogins, idpErrors, ...): only those enabled. */
    readonly alarmNames: Partial<Record<AlarmName, pulumi.Output<string>>>;
    readonly dashboardName: pulumi.Output<string> | undefined;

    constructor(name: string, args: FtpMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:FtpMonitoring", name, {}, opts);
        const { stack } = args;
        if (args.topicArn !== undefined && args.emails !== undefined) throw new Error(`FtpMonitoring ${name}: emails subscribe to the stack's own topic; with topicArn, subscribe on that topic`);
        const slugs = (args.emails ?? []).map(emailSlug);
        const repeated = slugs.find((slug, i) => slugs.indexOf(slug) !== i);
        if (repeated !== undefined) throw new Error(`FtpMonitoring ${name}: two emails name one subscription (${repeated})`);

        for (const [key, filter] of Object.entries(LOGIN_FILTERS)) {
            new aws.cloudwatch.LogMetricFilter(`${name}-${key}`, {
                name: metricFilterName(stack, key),
                logGroupName: args.idpLogGroupName,
                pattern: filter.pattern,
                metricTransformation: {
                    name: filter.metricName, namespace: stackNamespace(stack), value: "1", unit: "Count",
                    // Reason has some 20 values: far below the 1,000 pairs an hour at which CloudWatch disables a filter.
                    ...("byReason" in filter ? { dimensions: { Reason: "$.reason" } } : {}),
                },
            }, { parent: this });
        }

        const topic = args.topicArn === undefined
            ? new aws.sns.Topic(`${name}-alarms`, { name: alarmTopicName(stack), tags: nameTag(`${name}-alarms`) }, { parent: this })
            : undefined;
        const topicArn = topic ? topic.arn : pulumi.output(args.topicArn as string);
        if (topic) {
            new aws.sns.TopicPolicy(`${name}-alarms`, {
                arn: topic.arn,
                policy: topic.arn.apply((arn) => JSON.stringify(alarmTopicPolicy({ partition: args.partition, region: args.region, accountId: args.accountId, topicArn: arn, alarmNamePrefix: alarmNamePrefix(stack) }))),
            }, { parent: this });
        }
        for (const email of args.emails ?? []) {
            new aws.sns.TopicSubscription(`${name}-email-${emailSlug(email)}`, { topic: topicArn, protocol: "email", endpoint: email }, { parent: this });
        }

        const alarms = ALARM_NAMES.filter((key) => args.alarms[key].enabled).map((key) => {
            const spec = ALARMS[key];
            const settings = args.alarms[key];
            const metric = alarmMetric(stack, key);
            const dimensions = metric.dimension === "FunctionName" ? { FunctionName: args.idpFunctionName } : undefined;
            const alarm = new aws.cloudwatch.MetricAlarm(`${name}-${key}`, {
                name: alarmName(stack, key),
                alarmDescription: `closed-ftp ${stack}: ${spec.what} reached ${settings.threshold} ${spec.unit}. First look: ${spec.firstLook}.`,
                namespace: metric.namespace,
                metricName: metric.metricName,
                ...(dimensions ? { dimensions } : {}),
                statistic: spec.statistic,
                period: ALARM_PERIOD_SECONDS,
                evaluationPeriods: settings.evaluationPeriods,
                threshold: settings.threshold,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                // No login, no invocation: no data point, and nothing wrong.
                treatMissingData: "notBreaching",
                alarmActions: [topicArn],
                okActions: [topicArn],
                tags: nameTag(`${name}-${key}`),
            }, { parent: this });
            return [key, alarm] as const;
        });

        const dashboard = args.dashboard === false ? undefined : new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
            dashboardName: dashboardName(stack),
            dashboardBody: pulumi.all([args.serverId, args.idpFunctionName, args.idpLogGroupName, args.transferLogGroupName, pulumi.all(alarms.map(([, a]) => a.arn))])
                .apply(([serverId, idpFunctionName, idpLogGroupName, transferLogGroupName, alarmArns]) =>
                    dashboardBody({ region: args.region, stack, serverId, idpFunctionName, idpLogGroupName, transferLogGroupName, alarmArns })),
        }, { parent: this });

        this.topicArn = topicArn;
        this.alarmNames = Object.fromEntries(alarms.map(([key, alarm]) => [key, alarm.name]));
        this.dashboardName = dashboard?.dashboardName;
        this.registerOutputs({ topicArn: this.topicArn, alarmNames: this.alarmNames, dashboardName: this.dashboardName });
    }
}
