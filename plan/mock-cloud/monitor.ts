// The mock cloud served as the Pulumi engine serves a program: the `ResourceMonitor` and `Engine`
// gRPC services of pulumi/proto (resource.proto, engine.proto) that @pulumi/pulumi/cmd/run connects
// to. Everything recorded comes off the wire: type, name, parent, provider, inputs with their secret
// markers, dependencies.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resource from "@pulumi/pulumi/proto/resource_pb";
import { MockCloud, MockCloudRefusal, STACK_TYPE, urnOf } from "./cloud";
import { fromStruct, toStruct } from "./wire";


/** What the program told the engine to log: its errors are how a failed program explains itself. */
export interface LogEntry {
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    urn: string;
}

const SEVERITIES: Record<number, LogEntry["severity"]> = {
    [engine.LogSeverity.DEBUG]: "debug",
    [engine.LogSeverity.INFO]: "info",
    [engine.LogSeverity.WARNING]: "warning",
    [engine.LogSeverity.ERROR]: "error",
};

/**
 * The features this monitor declares (resource.proto, SupportsFeature). Secrets travel marked;
 * resources referenced as inputs travel as their ids, output values as plain values, so the record
 * holds what a provider would receive.
 */
const FEATURES = new Set(["secrets"]);

function refusal(err: unknown): Partial<grpc.StatusObject> {
    const message = err instanceof Error ? err.message : String(err);
    // An answer the cloud refuses is the program's error; anything else is the mock's own bug.
    return { code: err instanceof MockCloudRefusal ? grpc.status.UNKNOWN : grpc.status.INTERNAL, details: message };
}

function propertyDependenciesOf(map: { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void }): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    map.forEach((deps, key) => {
        out[key] = deps.getUrnsList();
    });
    return out;
}

export interface MonitorServer {
    /** "127.0.0.1:<port>": what `--monitor` and `--engine` name (one server holds both services). */
    readonly address: string;
    readonly log: LogEntry[];
    /** The stack's outputs, once the program registered them (wire form). */
    stackOutputs(): Record<string, unknown> | undefined;
    stop(): Promise<void>;
}

/** Starts the engine and resource monitor for one run of a program against `cloud`. */
export async function serveMockCloud(cloud: MockCloud, stack: string, project: string): Promise<MonitorServer> {
    const log: LogEntry[] = [];
    let rootUrn = "";
    let outputs: Record<string, unknown> | undefined;
    const stackUrn = urnOf(stack, project, STACK_TYPE, `${project}-${stack}`, null);
    // The stack's direct children have no parent in the plan document.
    const parentOf = (urn: string) => (urn && urn !== stackUrn ? urn : null);

    const engineImpl: engineRpc.IEngineServer = {
        log: (call, cb) => {
            const req = call.request;
            log.push({ severity: SEVERITIES[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() });
            cb(null, new Empty());
        },
        getRootResource: (_call, cb) => cb(null, new engine.GetRootResourceResponse().setUrn(rootUrn)),
        setRootResource: (call, cb) => {
            rootUrn = call.request.getUrn();
            cb(null, new engine.SetRootResourceResponse());
        },
        startDebugging: (_call, cb) => cb(null, new Empty()),
        requirePulumiVersion: (_call, cb) => cb(null, new engine.RequirePulumiVersionResponse()),
    };

    const unimplemented = (what: string) => (_call: unknown, cb: (err: Partial<grpc.StatusObject>) => void) =>
        cb({ code: grpc.status.UNIMPLEMENTED, details: `mock cloud: ${what} is not part of what closed-ftp uses; teach plan/mock-cloud/monitor.ts` });

    const monitorImpl: resourceRpc.IResourceMonitorServer = {
        supportsFeature: (call, cb) => cb(null, new resource.SupportsFeatureResponse().setHassupport(FEATURES.has(call.request.getId()))),
        registerPackage: (call, cb) => cb(null, new resource.RegisterPackageResponse().setRef(`${call.request.getName()}@${call.request.getVersion()}`)),
        registerResource: (call, cb) => {
            try {
                const req = call.request;
                const parent = req.getParent();
                const urn = urnOf(stack, project, req.getType(), req.getName(), parent || null);
                if (req.getType() === STACK_TYPE) {
                    cb(null, new resource.RegisterResourceResponse().setUrn(urn).setObject(toStruct({})));
                    return;
                }
                const answer = cloud.register({
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parent: parentOf(parent),
                    providerRef: req.getProvider() || undefined,
                    inputs: fromStruct(req.getObject()),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: propertyDependenciesOf(req.getPropertydependenciesMap()),
                    protect: req.getProtect(),
                    retainOnDelete: req.getRetainondelete(),
                    replacementTrigger: req.hasReplacementTrigger() ? req.getReplacementTrigger()?.toJavaScript() : undefined,
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    // This monitor declares no alias specs, so the SDK sends every alias (a child's inherited ones too) as a URN.
                    aliases: req.getAliasurnsList(),
                });
                cb(null, new resource.RegisterResourceResponse().setUrn(urn).setId(answer.id).setObject(toStruct(answer.state)));
            } catch (err) {
                cb(refusal(err));
            }
        },
        readResource: (call, cb) => {
            try {
                const req = call.request;
                const urn = urnOf(stack, project, req.getType(), req.getName(), req.getParent() || null);
                const answer = cloud.register({
                    urn, type: req.getType(), name: req.getName(), custom: true, parent: parentOf(req.getParent()),
                    providerRef: req.getProvider() || undefined, inputs: fromStruct(req.getProperties()), readId: req.getId(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(), dependencies: req.getDependenciesList(),
                });
                cb(null, new resource.ReadResourceResponse().setUrn(urn).setProperties(toStruct(answer.state)));
            } catch (err) {
                cb(refusal(err));
            }
        },
        registerResourceOutputs: (call, cb) => {
            try {
                if (call.request.getUrn() === stackUrn) outputs = fromStruct(call.request.getOutputs());
                cb(null, new Empty());
            } catch (err) {
                cb(refusal(err));
            }
        },
        invoke: (call, cb) => {
            const req = call.request;
            try {
                cb(null, new resource.ResourceInvokeResponse().setReturn(toStruct(cloud.invoke(req.getTok(), fromStruct(req.getArgs()), req.getProvider() || undefined))));
            } catch (err) {
                cb(refusal(err));
            }
        },
        signalAndWaitForShutdown: (_call, cb) => cb(null, new Empty()),
        getDeploymentInfo: unimplemented("GetDeploymentInfo"),
        call: unimplemented("Call (methods of remote components)"),
        registerStackTransform: unimplemented("RegisterStackTransform"),
        registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
        registerResourceHook: unimplemented("RegisterResourceHook"),
        registerErrorHook: unimplemented("RegisterErrorHook"),
        existsResource: unimplemented("ExistsResource"),
    };

    // The SDK and the engine allow messages of 400 MB (runtime/settings.js, maxRPCMessageSize); so does the mock.
    const maxMessage = 400 * 1024 * 1024;
    const server = new grpc.Server({ "grpc.max_receive_message_length": maxMessage, "grpc.max_send_message_length": maxMessage });
    server.addService(engineRpc.EngineService, engineImpl);
    server.addService(resourceRpc.ResourceMonitorService, monitorImpl);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
    return {
        address: `127.0.0.1:${port}`,
        log,
        stackOutputs: () => outputs,
        stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}
