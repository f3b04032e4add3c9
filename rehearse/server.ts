// The rehearsal's FTP endpoint: ftp-srv on loopback in passive mode; each login goes to the real IdP
// bundle, Transfer's role assumption is checked against the role's trust policy, and the session gets a
// TransferFileSystem over the LOGICAL home the IdP answered.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as crypto from "crypto";
import { FtpConnection, FtpSrv } from "ftp-srv";
import * as net from "net";
import { Session } from "./authorizer";
import { IdentityProvider, startIdentityProvider } from "./identity-provider";
import { RehearsalModel, RoleModel } from "./model";
import { ObjectStore } from "./object-store";
import { CallRecord, mountsOf, TransferFileSystem } from "./session-file-system";

export const HOST = "127.0.0.1";
export const DEFAULT_PORT = 2121;
export const DEFAULT_PASSIVE_PORTS = { min: 8192, max: 8200 };

/** What the rehearsal reports: every S3/KMS call, every login, and the IdP's own JSON log lines. */
export type RehearsalEvent =
    | { kind: "call"; call: CallRecord }
    | { kind: "login"; user: string; sourceIp: string; granted: boolean; reason?: string; role?: string; home?: string; sessionName?: string }
    | { kind: "idp"; line: string };

export interface RehearsalOptions {
    model: RehearsalModel;
    dataDir: string;
    port?: number;
    passivePorts?: { min: number; max: number };
    /** Report this address to the IdP as sourceIp instead of the client's (to rehearse a CIDR-restricted user from loopback). */
    sourceIp?: string;
    onEvent?: (event: RehearsalEvent) => void;
    /** The IdP bundle to run (default: idp-lambda/dist/index.js). */
    idpBundle?: string;
}

export interface Rehearsal {
    host: string;
    port: number;
    stop(): Promise<void>;
}

/** One line per event, for a terminal. */
export function describeEvent(event: RehearsalEvent): string {
    if (event.kind === "idp") return `  idp  ${event.line}`;
    if (event.kind === "login") {
        return event.granted
            ? `login ${event.user} from ${event.sourceIp}: granted, role ${event.role}, session ${event.sessionName}, home ${event.home}`
            : `login ${event.user} from ${event.sourceIp}: refused (${event.reason})`;
    }
    const c = event.call;
    const verdict = c.allowed ? "allowed" : `REFUSED by the ${c.refusedBy}${c.statement ? ` (statement ${c.statement})` : ""}`;
    return `${c.user} ${c.command} ${c.path}: ${c.action} ${c.resource}${c.prefix !== undefined ? ` (s3:prefix "${c.prefix}")` : ""} ${verdict}`;
}

// ftp-srv logs every refusal at error level; the rehearsal reports its own events instead.
interface Logger { child(): Logger; trace(): void; debug(): void; info(): void; warn(): void; error(): void }
const silent: Logger = { child: () => silent, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const SIGNALS = ["SIGINT", "SIGTERM", "SIGQUIT"] as const;

/** Transfer assumes the role the IdP named: its trust policy must admit transfer.amazonaws.com for the hub account. */
async function transferMayAssume(role: RoleModel, hubAccountId: string, trustPolicy: unknown): Promise<boolean> {
    const result = await runSimulation({
        request: {
            principal: "transfer.amazonaws.com", action: "sts:AssumeRole", resource: { resource: role.arn, accountId: role.accountId },
            contextVariables: { "aws:SourceAccount": hubAccountId, "aws:SecureTransport": "true" },
        },
        identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trustPolicy,
    }, {});
    return result.resultType !== "error" && result.overallResult === "Allowed";
}

// The internals of ftp-srv's connection that the rehearsal hooks: the command dispatcher and the reply.
interface ConnectionInternals {
    commands: { handle(command: string | { directive: string }): unknown; parse(message: string): { directive: string } };
    reply(options: number | object, ...letters: unknown[]): Promise<unknown>;
}

/** Tracks the command being handled, and answers 550 to any command whose S3 or KMS call was refused. */
function instrument(connection: FtpConnection, fileSystem: TransferFileSystem): { command: () => string } {
    const internals = connection as unknown as ConnectionInternals;
    let current = "";
    const handle = internals.commands.handle.bind(internals.commands);
    internals.commands.handle = (command) => {
        current = typeof command === "string" ? internals.commands.parse(command).directive : command.directive;
        return handle(command);
    };
    const reply = internals.reply.bind(connection);
    internals.reply = (options, ...letters) => {
        const code = typeof options === "number" ? options : undefined;
        // ftp-srv answers a failed LIST 451 and a failed RETR 551; a refused call is 550, as Transfer answers it.
        if (fileSystem.refusal && code !== undefined && code >= 400) {
            fileSystem.refusal = undefined;
            return reply(550, "Access denied");
        }
        return reply(options, ...letters);
    };
    return { command: () => current };
}

export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
    const { model } = options;
    const emit = options.onEvent ?? (() => undefined);
    const store = new ObjectStore(options.dataDir);
    for (const bucket of Object.keys(model.buckets)) store.createBucket(bucket);
    const passive = options.passivePorts ?? DEFAULT_PASSIVE_PORTS;

    const idp: IdentityProvider = await startIdentityProvider(model.secrets, (line) => emit({ kind: "idp", line }), options.idpBundle);
    // ftp-srv's constructor makes SIGINT, SIGTERM and SIGQUIT exit the process: the rehearsal's owner decides that.
    const ownHandlers = SIGNALS.map((signal) => process.listeners(signal));
    const server = new FtpSrv({ url: `ftp://${HOST}:${options.port ?? DEFAULT_PORT}`, pasv_url: HOST, pasv_min: passive.min, pasv_max: passive.max, log: silent as never });
    SIGNALS.forEach((signal, i) => {
        for (const handler of process.listeners(signal)) if (!ownHandlers[i].includes(handler)) process.removeListener(signal, handler);
    });

    server.on("login", ({ connection, username, password }, resolve, reject) => {
        const sourceIp = options.sourceIp ?? (connection.ip ?? "").replace(/^::ffff:/, "");
        const refuse = (reason: string) => {
            emit({ kind: "login", user: username, sourceIp, granted: false, reason });
            reject(new Error("Login incorrect."));
        };
        (async () => {
            const answer = await idp.invoke({ username, password, protocol: "FTP", serverId: model.serverId, sourceIp });
            if (!answer.Role) return refuse("the identity provider answered {}");
            const role = model.roles[answer.Role];
            if (!role) return refuse(`the identity provider named role ${answer.Role}, which the plan does not create`);
            if (!(await transferMayAssume(role, model.hubAccountId, role.trustPolicy))) return refuse(`the trust policy of ${role.arn} does not admit transfer.amazonaws.com for account ${model.hubAccountId}`);
            if (answer.HomeDirectoryType !== "LOGICAL") return refuse(`home directory type ${answer.HomeDirectoryType ?? "PATH"}: the rehearsal models LOGICAL homes only`);
            const mounts = mountsOf(answer.HomeDirectoryDetails);
            if (!mounts) return refuse("HomeDirectoryDetails is not a list of {Entry, Target}");
            // Transfer names each session after the user; the suffix keeps two sessions apart.
            const session: Session = { role, sessionName: `${username}.${crypto.randomBytes(4).toString("hex")}`, sessionPolicy: answer.Policy };
            let current = () => "";
            const fileSystem = new TransferFileSystem(connection, {
                userName: username, session, mounts, model, store, command: () => current(), record: (call) => emit({ kind: "call", call }),
            });
            current = instrument(connection, fileSystem).command;
            emit({
                kind: "login", user: username, sourceIp, granted: true, role: role.arn, sessionName: session.sessionName,
                home: mounts.map((m) => `${m.entry} → /${m.bucket}/${m.prefix}`).join(", "),
            });
            resolve({ fs: fileSystem });
        })().catch((err: Error) => refuse(`the rehearsal failed: ${err.message}`));
    });

    const stop = async () => {
        // Ends every control connection (and its passive data server), stops listening, then the loopback Secrets Manager.
        await server.close();
        await idp.close();
    };
    try {
        await server.listen();
        const { port } = (server as unknown as { server: net.Server }).server.address() as net.AddressInfo;
        return { host: HOST, port, stop };
    } catch (err) {
        await stop();
        throw err;
    }
}
