// The rehearsal's FTP endpoint: ftp-srv on loopback in passive mode; each login goes to the real IdP
// bundle, Transfer's role assumption is checked against the role's trust policy, and the session gets a
// TransferFileSystem over the LOGICAL home the IdP answered.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as crypto from "crypto";
import { FtpConnection, FtpSrv } from "ftp-srv";
import * as ipaddr from "ipaddr.js";
import * as net from "net";
import { generate } from "selfsigned";
import * as tls from "tls";
import { Session } from "./authorizer";
import { IdentityProvider, startIdentityProvider } from "./identity-provider";
import { RehearsalModel, RoleModel, ServerModel } from "./model";
import { ObjectStore } from "./object-store";
import { CallRecord, mountsOf, TransferFileSystem } from "./session-file-system";
import { DATA_COMMANDS, featureLines, modeReply, Refusal, refusalOf, typeReply } from "./transfer-ftp";

export const HOST = "127.0.0.1";
export const DEFAULT_PORT = 2121;
export const DEFAULT_PASSIVE_PORTS = { min: 8192, max: 8200 };

/** What the rehearsal reports: every S3/KMS call, every login, and the IdP's own JSON log lines. */
export type RehearsalEvent =
    | { kind: "call"; call: CallRecord }
    | { kind: "login"; user: string; sourceIp: string; granted: boolean; reason?: string; role?: string; home?: string; sessionName?: string }
    | { kind: "idp"; line: string }
    /** A command Transfer refuses (or a rule of FTPS), answered before the FTP server saw it. */
    | { kind: "refused"; command: string; code: number; message: string; user?: string }
    /** A connection from outside the security group's sources: closed before the banner. */
    | { kind: "dropped"; sourceIp: string; allowedCidrs: string[] };

/** The certificate and key FTPS is served with. */
export interface TlsMaterial { cert: string | Buffer; key: string | Buffer; selfSigned: boolean }

export interface RehearsalOptions {
    model: RehearsalModel;
    dataDir: string;
    port?: number;
    passivePorts?: { min: number; max: number };
    /**
     * The client's address, as the security group and the IdP see it (a loopback client stands in for
     * a client on the network). Default: the first host of the first range the security group admits.
     */
    sourceIp?: string;
    /** FTPS's certificate and key; default, when the stack speaks FTPS, a self-signed one made now. */
    tls?: TlsMaterial;
    onEvent?: (event: RehearsalEvent) => void;
    /** The IdP bundle to run (default: idp-lambda/dist/index.js). */
    idpBundle?: string;
}

export interface Rehearsal {
    host: string;
    port: number;
    /** The address every client is rehearsed as. */
    sourceIp: string;
    /** The certificate FTPS is served with, when the stack speaks FTPS. */
    tls?: TlsMaterial;
    stop(): Promise<void>;
}

/** One line per event, for a terminal. */
export function describeEvent(event: RehearsalEvent): string {
    if (event.kind === "idp") return `  idp  ${event.line}`;
    if (event.kind === "refused") return `${event.user ?? "(before login)"} ${event.command}: ${event.code} ${event.message}`;
    if (event.kind === "dropped") return `connection from ${event.sourceIp} dropped before the banner: outside the security group's sources ${event.allowedCidrs.join(", ")}`;
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

// The internals of ftp-srv's connection that the rehearsal hooks: the command dispatcher, the reply, the data connector.
interface ParsedCommand { directive: string; arg: string | null }
interface DataConnector { waitForConnection?: (...args: unknown[]) => PromiseLike<tls.TLSSocket> & { then: unknown }; dataServer?: tls.Server | null }
interface ConnectionInternals {
    commands: { handle(command: string | ParsedCommand): unknown; parse(message: string): ParsedCommand };
    reply(options: number | object, ...letters: unknown[]): Promise<unknown>;
    connector: DataConnector;
    secure: boolean;
    authenticated: boolean;
    commandSocket: net.Socket;
}

/** One control connection as the rehearsal tracks it. */
interface ConnectionState {
    command: string;
    fileSystem?: TransferFileSystem;
    /** PROT P was given on this FTPS connection. */
    protected: boolean;
    /** The last data connection did not resume the control connection's TLS session (ENFORCED). */
    resumeRefused: boolean;
    /** The 150 of the data command in progress, sent early (FTPS): ftp-srv's own is dropped. */
    earlyMark?: Promise<unknown>;
    user?: string;
}

/** Commands that touch no file: they leave the command the file system acts for as it was. */
const CONTROL_ONLY = new Set(["NOOP", "ABOR", "PWD", "SYST", "FEAT", "TYPE", "MODE", "STRU", "OPTS", "PBSZ", "PROT", "PASV", "EPSV", "QUIT", "AUTH", "USER", "PASS"]);

/** A data connection as the TLS server hands it over, marked when it did not resume the control session. */
type DataSocket = tls.TLSSocket & { notResumed?: boolean };

/**
 * Puts Transfer's rules (transfer-ftp.ts) in front of ftp-srv on one connection: commands outside
 * Transfer's list, TYPE and MODE, FEAT, FTPS's AUTH TLS before login and PROT P before data, and
 * TLS session resumption on each data connection. A refused S3 or KMS call is 550, as Transfer answers it.
 */
function enforceTransferRules(connection: FtpConnection, server: ServerModel, emit: (event: RehearsalEvent) => void, secureContext?: tls.SecureContext): ConnectionState {
    const internals = connection as unknown as ConnectionInternals;
    const state: ConnectionState = { command: "", protected: false, resumeRefused: false };
    const ftps = server.protocols.includes("FTPS");
    const plainAllowed = server.protocols.includes("FTP");
    const reply = internals.reply.bind(connection);
    const refuse = (directive: string, refusal: Refusal) => {
        emit({ kind: "refused", command: directive, code: refusal.code, message: refusal.message, ...(state.user ? { user: state.user } : {}) });
        return reply(refusal.code, refusal.message);
    };
    const handle = internals.commands.handle.bind(internals.commands);
    internals.commands.handle = (command) => {
        const parsed = typeof command === "string" ? internals.commands.parse(command) : command;
        const directive = parsed.directive;
        // The command the file system acts for: a NOOP while a transfer waits for its data connection changes nothing.
        if (!CONTROL_ONLY.has(directive)) state.command = directive;
        const refusal = refusalOf(directive);
        if (refusal) return refuse(directive, refusal);
        if (directive === "FEAT") return reply(211, "Extensions supported", ...featureLines(ftps).map((f) => ({ message: ` ${f}`, raw: true })), "End");
        if (directive === "USER" && !plainAllowed && !internals.secure) {
            return refuse(directive, { code: 530, message: "This server speaks FTPS only: AUTH TLS before USER (RFC 4217: 530 to a login the server will not take in the clear)" });
        }
        if (directive === "USER") state.user = parsed.arg ?? undefined;
        if (internals.authenticated && directive === "TYPE") {
            // The answer only: ftp-srv moves every file byte for byte whatever the type, as Transfer does.
            const answer = typeReply(parsed.arg);
            return answer.code === 200 ? reply(answer.code, answer.message) : refuse(directive, answer);
        }
        if (internals.authenticated && directive === "MODE") {
            const answer = modeReply(parsed.arg);
            return answer.code === 200 ? reply(answer.code, answer.message) : refuse(directive, answer);
        }
        // As ftp-srv takes it: exactly "P", after a PBSZ (503 without one, 504 for anything else).
        if (directive === "PROT" && internals.secure) state.protected = (parsed.arg ?? "").toUpperCase() === "P" && typeof (internals as unknown as { bufferSize: unknown }).bufferSize === "number";
        // ftp-srv wraps the socket in TLS only once its 234 is written, and a client's first TLS bytes read
        // in between are taken for a command (Python's ftplib, often). Wrapped in the same tick, nothing is.
        if (directive === "AUTH" && secureContext && !internals.secure && (parsed.arg ?? "").trim().toUpperCase() === "TLS") {
            startTls(internals, secureContext);
            return Promise.resolve();
        }
        if (internals.authenticated && internals.secure && (DATA_COMMANDS as readonly string[]).includes(directive) && !state.protected) {
            return refuse(directive, { code: 521, message: "PROT P first: Transfer's FTPS takes no unprotected data connection (\"PROT C is not supported\")" });
        }
        // ftp-srv waits for the data connection's TLS handshake before its 150; lftp (as FTP over TLS
        // allows) starts that handshake only once it has the 150. Transfer answers 150 first: so does this.
        const isData = internals.authenticated && (DATA_COMMANDS as readonly string[]).includes(directive);
        if (isData && internals.secure) state.earlyMark = reply(150, "Opening data connection");
        const result = handle(parsed);
        if (isData) {
            // What a data command set lives as long as the command: the next one starts clean.
            return Promise.resolve(result).finally(() => {
                state.earlyMark = undefined;
                state.resumeRefused = false;
            });
        }
        if ((directive === "PASV" || directive === "EPSV") && internals.secure && server.tlsSessionResumption === "ENFORCED") {
            // Part of the command: a data command sent in the same packet is handled only after the check is in place.
            return Promise.resolve(result).then(() => requireResumption(internals, state));
        }
        return result;
    };
    internals.reply = (options, ...letters) => {
        const code = typeof options === "number" ? options : undefined;
        // ftp-srv chains bluebird's .tap on a reply: the early reply's own promise is one.
        if (code === 150 && state.earlyMark) return state.earlyMark.then(() => undefined);
        // ftp-srv answers a failed LIST 451 and a failed RETR 551; a refused call is 550, as Transfer answers it.
        if (state.fileSystem?.refusal && code !== undefined && code >= 400) {
            state.fileSystem.refusal = undefined;
            return reply(550, "Access denied");
        }
        if (state.resumeRefused && code !== undefined && code >= 400) {
            state.resumeRefused = false;
            emit({ kind: "refused", command: state.command, code: 522, message: "data connection without TLS session resumption", ...(state.user ? { user: state.user } : {}) });
            return reply(522, "TLS session resumption required on the data connection (TlsSessionResumptionMode ENFORCED, Transfer's default)");
        }
        return reply(options, ...letters);
    };
    return state;
}

/** AUTH TLS: 234 in the clear, and the control connection is TLS from the next byte on (RFC 4217 §4). */
function startTls(internals: ConnectionInternals, secureContext: tls.SecureContext): void {
    const raw = internals.commandSocket;
    raw.write("234 AUTH TLS successful\r\n");
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
    // ftp-srv listens on the socket it was given: what the TLS socket reads and says reaches it there.
    for (const event of ["data", "timeout", "end", "close", "drain", "error"]) secure.on(event, (...args: unknown[]) => raw.emit(event, ...args));
    internals.commandSocket = secure;
    internals.secure = true;
}

/** ENFORCED: a data connection that does not resume the control connection's TLS session is refused (PROTOCOL_DETAILS_PAGE). */
function requireResumption(internals: ConnectionInternals, state: ConnectionState): void {
    const connector = internals.connector;
    const dataServer = connector.dataServer;
    const wait = connector.waitForConnection?.bind(connector);
    if (!dataServer || !wait) return;
    dataServer.prependListener("secureConnection", (socket: DataSocket) => {
        if (!socket.isSessionReused()) socket.notResumed = true;
    });
    // ftp-srv's own promise (bluebird) is kept: its commands chain .tap and typed catches on it.
    connector.waitForConnection = (...args: unknown[]) => (wait(...args) as unknown as { then(f: (socket: DataSocket) => DataSocket): never }).then((socket: DataSocket) => {
        if (socket.notResumed) {
            state.resumeRefused = true;
            socket.destroy();
            throw new Error("the data connection did not resume the control connection's TLS session");
        }
        return socket;
    });
}

/** A self-signed certificate for 127.0.0.1 and localhost, made when the rehearsal starts (FTPS without --cert/--key). */
export async function selfSignedCertificate(): Promise<TlsMaterial> {
    const pems = await generate([{ name: "commonName", value: "closed-ftp rehearsal" }], {
        keySize: 2048, algorithm: "sha256", notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
        extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: HOST }, { type: 2, value: "localhost" }] }],
    });
    return { cert: pems.cert, key: pems.private, selfSigned: true };
}

/** Whether an address is inside one of the blocks. */
export function insideAny(address: string, cidrs: string[]): boolean {
    const parsed = ipaddr.process(address);
    return cidrs.some((cidr) => {
        const [range, bits] = ipaddr.parseCIDR(cidr);
        return parsed.kind() === range.kind() && parsed.match([range, bits] as never);
    });
}

/** The address a loopback client is rehearsed as without --source-ip: the first host of the first block the security group admits. */
export function defaultSourceIp(allowedCidrs: string[]): string {
    const [range, bits] = ipaddr.parseCIDR(allowedCidrs[0]);
    const bytes = range.toByteArray();
    const hostBits = bytes.length * 8 - bits;
    // A /32 (or /31, /128) is its own first host; otherwise skip the network address.
    if (hostBits > 1) for (let i = bytes.length - 1; i >= 0; i--) if (++bytes[i] <= 255) break; else bytes[i] = 0;
    return ipaddr.fromByteArray(bytes).toString();
}

export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
    const { model } = options;
    const emit = options.onEvent ?? (() => undefined);
    const store = new ObjectStore(options.dataDir);
    for (const bucket of Object.keys(model.buckets)) store.createBucket(bucket);
    const passive = options.passivePorts ?? DEFAULT_PASSIVE_PORTS;
    const sourceIp = options.sourceIp ?? defaultSourceIp(model.server.allowedCidrs);
    const ftps = model.server.protocols.includes("FTPS");
    const material = ftps ? options.tls ?? await selfSignedCertificate() : undefined;
    // One ticket key and session context for the control and every data connection: a client can resume.
    const tlsOptions = material ? { cert: material.cert, key: material.key, ticketKeys: crypto.randomBytes(48), sessionIdContext: "closed-ftp-rehearsal" } : false;
    const secureContext = tlsOptions ? tls.createSecureContext(tlsOptions) : undefined;

    const idp: IdentityProvider = await startIdentityProvider(model.secrets, (line) => emit({ kind: "idp", line }), options.idpBundle);
    // ftp-srv's constructor makes SIGINT, SIGTERM and SIGQUIT exit the process: the rehearsal's owner decides that.
    const ownHandlers = SIGNALS.map((signal) => process.listeners(signal));
    const server = new FtpSrv({
        url: `ftp://${HOST}:${options.port ?? DEFAULT_PORT}`, pasv_url: HOST, pasv_min: passive.min, pasv_max: passive.max, tls: tlsOptions as never, log: silent as never,
        // Transfer shows the stack's pre-authentication banner in its 220.
        ...(model.server.preAuthenticationBanner ? { greeting: model.server.preAuthenticationBanner.split(/\r?\n/) } : {}),
    });
    SIGNALS.forEach((signal, i) => {
        for (const handler of process.listeners(signal)) if (!ownHandlers[i].includes(handler)) process.removeListener(signal, handler);
    });

    // The security group: a client outside its sources never reaches the server, so never sees a banner.
    const admitted = insideAny(sourceIp, model.server.allowedCidrs);
    (server as unknown as { server: net.Server }).server.prependListener("connection", (socket: net.Socket) => {
        if (admitted) return;
        emit({ kind: "dropped", sourceIp, allowedCidrs: model.server.allowedCidrs });
        socket.resetAndDestroy();
    });
    const states = new WeakMap<FtpConnection, ConnectionState>();
    // ftp-srv emits "connect" for every connection before its banner; its types name only login and disconnect.
    (server as unknown as NodeJS.EventEmitter).on("connect", ({ connection }: { connection: FtpConnection }) => states.set(connection, enforceTransferRules(connection, model.server, emit, secureContext)));

    server.on("login", ({ connection, username, password }, resolve, reject) => {
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
            const state = states.get(connection) as ConnectionState;
            const fileSystem = new TransferFileSystem(connection, {
                userName: username, session, mounts, model, store, command: () => state.command, record: (call) => emit({ kind: "call", call }),
            });
            state.fileSystem = fileSystem;
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
        return { host: HOST, port, sourceIp, ...(material ? { tls: material } : {}), stop };
    } catch (err) {
        await stop();
        throw err;
    }
}
