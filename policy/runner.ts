// The guardrail pack as Pulumi itself runs it: `pulumi preview --policy-pack policy` starts
// @pulumi/pulumi/cmd/run-policy-pack from the pack's folder, with the engine's address as first
// argument, reads the Analyzer's port from its first line of output and speaks gRPC to it. This
// module does the same, with a small Engine service of its own, so the offline check and the real
// preview run one code path.
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import { PlanDocument, PlanResource, UNKNOWN_PLACEHOLDER } from "../plan/format";
import { UNKNOWN } from "../plan/mock-cloud/wire";

/** The pack's folder: what `--policy-pack policy` names. */
export const PACK_DIR = __dirname;
const RUNNER = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
const START_TIMEOUT_MS = 60_000;

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Record<number, EnforcementLevel> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    message: string;
}

/** A policy that could not decide for a resource (a first preview's unknowns), as the Analyzer says. */
export interface Undecided {
    policy: string;
    urn: string;
    reason: string;
}

export interface Analysis {
    violations: Violation[];
    undecided: Undecided[];
}

export interface PackInfo {
    name: string;
    version: string;
    policies: { name: string; enforcementLevel: EnforcementLevel }[];
}

export interface RunningPack {
    info(): Promise<PackInfo>;
    /** Analyze for every custom resource (as the engine does at registration), then AnalyzeStack over all. */
    analyzePlan(plan: PlanDocument): Promise<Analysis>;
    /** What the pack logged to the engine. */
    readonly engineLog: string[];
    stop(): Promise<void>;
}

function call<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A plan's JSON value on the wire: "[unknown]" becomes Pulumi's unknown sentinel. */
function toWire(value: unknown): unknown {
    if (value === UNKNOWN_PLACEHOLDER) return UNKNOWN;
    if (Array.isArray(value)) return value.map(toWire);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
    return value;
}

function struct(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(toWire(value) as Record<string, never>);
}

/** The resource options the engine sends with every resource (the pack refuses a request without them). */
function optionsOf(r: PlanResource): analyzer.AnalyzerResourceOptions {
    // A plan written before `protect` was recorded reads as unprotected: the guardrail fails closed.
    return new analyzer.AnalyzerResourceOptions().setParent(r.parent ?? "").setProtect(r.protect === true).setAliasesList(r.aliases ?? []);
}

/** Starts a fake engine, then the pack exactly as the CLI does; resolves once the Analyzer listens. */
export async function startPolicyPack(packDir = PACK_DIR): Promise<RunningPack> {
    const engineLog: string[] = [];
    const engineServer = new grpc.Server();
    const engineImpl: engineRpc.IEngineServer = {
        log: (req, cb) => {
            engineLog.push(`${engine.LogSeverity[req.request.getSeverity()]}: ${req.request.getMessage()}`);
            cb(null, new Empty());
        },
        getRootResource: (_req, cb) => cb(null, new engine.GetRootResourceResponse()),
        setRootResource: (_req, cb) => cb(null, new engine.SetRootResourceResponse()),
        startDebugging: (_req, cb) => cb(null, new Empty()),
        requirePulumiVersion: (_req, cb) => cb(null, new engine.RequirePulumiVersionResponse()),
    };
    engineServer.addService(engineRpc.EngineService, engineImpl);
    const enginePort = await new Promise<number>((resolve, reject) =>
        engineServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

    let child: ChildProcess | undefined;
    let client: analyzerRpc.AnalyzerClient | undefined;
    const stop = async () => {
        client?.close();
        if (child && child.exitCode === null) {
            const exited = new Promise<void>((resolve) => child?.once("exit", () => resolve()));
            child.kill("SIGTERM");
            await Promise.race([exited, new Promise<void>((resolve) => setTimeout(() => { child?.kill("SIGKILL"); resolve(); }, 3000).unref())]);
        }
        await new Promise<void>((resolve) => engineServer.tryShutdown(() => resolve()));
    };
    try {
        child = spawn(process.execPath, [RUNNER, `127.0.0.1:${enginePort}`, "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => reject(new Error(`policy pack: no Analyzer port within ${START_TIMEOUT_MS / 1000} s\n${stderr}`)), START_TIMEOUT_MS);
            child?.stdout?.on("data", (chunk: Buffer) => {
                stdout += chunk.toString("utf8");
                const line = /^(\d+)\s*\n/.exec(stdout);
                if (line) {
                    clearTimeout(timer);
                    resolve(Number(line[1]));
                }
            });
            child?.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
            child?.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`policy pack: the runner exited (code ${code}) before serving, as \`pulumi preview --policy-pack\` would fail to load it:\n${stderr || stdout}`));
            });
        });
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    } catch (err) {
        await stop();
        throw err;
    }
    const analyzerClient = client;

    async function info(): Promise<PackInfo> {
        const answer = await call<Empty, analyzer.AnalyzerInfo>(analyzerClient.getAnalyzerInfo.bind(analyzerClient), new Empty());
        return {
            name: answer.getName(),
            version: answer.getVersion(),
            policies: answer.getPoliciesList().map((p) => ({ name: p.getName(), enforcementLevel: LEVELS[p.getEnforcementlevel()] })),
        };
    }

    async function analyzePlan(plan: PlanDocument): Promise<Analysis> {
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const providerOf = (r: PlanResource) => {
            const provider = r.provider ? byUrn.get(r.provider) : undefined;
            if (!provider) return undefined;
            return new analyzer.AnalyzerProviderResource().setType(provider.type).setName(provider.name).setUrn(provider.urn).setProperties(struct(provider.inputs));
        };
        const violations: Violation[] = [];
        const undecided: Undecided[] = [];
        const collect = (answer: analyzer.AnalyzeResponse, urn: string) => {
            for (const d of answer.getDiagnosticsList()) {
                const message = d.getMessage();
                // The pack's own words when a policy reads a value the preview does not know.
                if (/^can't run policy '.+' during preview/.test(message)) undecided.push({ policy: d.getPolicyname(), urn: d.getUrn() || urn, reason: message });
                else violations.push({ policy: d.getPolicyname(), enforcementLevel: LEVELS[d.getEnforcementlevel()], urn: d.getUrn() || urn, message });
            }
            for (const n of answer.getNotApplicableList()) undecided.push({ policy: n.getPolicyName(), urn, reason: n.getReason() });
        };
        // At registration the engine analyzes a resource's inputs; reads and components are not registered that way.
        for (const r of plan.resources.filter((x) => x.custom && !x.read)) {
            const request = new analyzer.AnalyzeRequest().setType(r.type).setName(r.name).setUrn(r.urn).setProperties(struct(r.inputs)).setOptions(optionsOf(r));
            const provider = providerOf(r);
            if (provider) request.setProvider(provider);
            collect(await call(analyzerClient.analyze.bind(analyzerClient), request), r.urn);
        }
        // At the end the engine analyzes the whole stack with every resource's outputs, except reads,
        // which it never sends (https://github.com/pulumi/pulumi/issues/3950).
        const resources = plan.resources.filter((r) => !r.read).map((r) => {
            const resource = new analyzer.AnalyzerResource().setType(r.type).setName(r.name).setUrn(r.urn)
                .setProperties(struct({ ...r.state, ...r.inputs })).setParent(r.parent ?? "").setDependenciesList(r.dependencies ?? []).setOptions(optionsOf(r));
            const provider = providerOf(r);
            if (provider) resource.setProvider(provider);
            for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                resource.getPropertydependenciesMap().set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
            }
            return resource;
        });
        const stackUrn = `urn:pulumi:${plan.stack}::closed-ftp::pulumi:pulumi:Stack::closed-ftp-${plan.stack}`;
        collect(await call(analyzerClient.analyzeStack.bind(analyzerClient), new analyzer.AnalyzeStackRequest().setResourcesList(resources)), stackUrn);
        return { violations, undecided };
    }

    return { info, analyzePlan, engineLog, stop };
}
