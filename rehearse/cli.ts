// `npm run rehearse -- --stack <name> [--port N] [--passive-ports A-B] [--data DIR] [--source-ip ADDR] [--cert FILE --key FILE] [--dir <project dir>]`
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { describePlanFailure, readStackFile, runPlan } from "../plan/plan";
import { existingFolder, FlagError, parseFlags as parseCliFlags } from "../scripts/cli-flags";
import { rehearsalModel, RehearsalModel } from "./model";
import { DEFAULT_PASSIVE_PORTS, DEFAULT_PORT, describeEvent, HOST, insideAny, Rehearsal, startRehearsal, TlsMaterial } from "./server";

export const USAGE = `usage: npm run rehearse -- --stack <name> [--port N] [--passive-ports A-B] [--data DIR] [--source-ip ADDR] [--cert FILE --key FILE] [--dir <project dir>]

Plans the stack on the mock cloud (no engine, no AWS) and serves FTP on ${HOST} as its Transfer server
would: logins through the real IdP bundle against the plan's secrets, every S3 and KMS call authorised
by the plan's own policies, objects on disk under DIR/<bucket>/<key>. Ctrl-C stops it.
  --stack <name>        the stack whose Pulumi.<name>.yaml to rehearse (required)
  --port <n>            the FTP control port (default ${DEFAULT_PORT}; 0 picks a free one)
  --passive-ports A-B   the passive data ports (default ${DEFAULT_PASSIVE_PORTS.min}-${DEFAULT_PASSIVE_PORTS.max})
  --data <dir>          where objects live (default: a temporary directory, removed on exit)
  --source-ip <addr>    the address every client is rehearsed as, by the security group (outside
                        network.allowedCidrs: dropped before the banner) and by the IdP (a user's
                        allowedSourceCidrs); default the first host of the first allowed range
  --cert <file>         FTPS: the PEM certificate to serve (with --key); default, when the stack
  --key <file>          speaks FTPS, a self-signed one made at start
  --dir <path>          where Pulumi.yaml and the stack files are (default: the project root)`;

export { FlagError };

export interface Flags {
    stack: string;
    port: number;
    passivePorts: { min: number; max: number };
    dataDir?: string;
    sourceIp?: string;
    /** PEM files of --cert and --key, read. */
    tls?: TlsMaterial;
    dir: string;
}

function pemFile(flag: string, file: string, kind: "CERTIFICATE" | "PRIVATE KEY"): string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new FlagError(`${flag} "${file}": cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) throw new FlagError(`${flag} "${file}": not a PEM ${kind.toLowerCase()} (no -----BEGIN …${kind}----- line)`);
    return text;
}

function port(flag: string, text: string, min: number): number {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 65535) throw new FlagError(`${flag} "${text}": a port is a whole number from ${min} to 65535`);
    return Number(text);
}

export function parseFlags(argv: string[]): Flags | "help" {
    const values = parseCliFlags(argv, {
        stack: { type: "string", short: "s" }, port: { type: "string" }, "passive-ports": { type: "string" }, data: { type: "string" },
        "source-ip": { type: "string" }, cert: { type: "string" }, key: { type: "string" }, dir: { type: "string" }, help: { type: "boolean", short: "h" },
    });
    if (values.help) return "help";
    if (!values.stack) throw new FlagError("--stack is required (e.g. --stack dev)");
    if (!/^[\w.-]+$/.test(values.stack)) throw new FlagError(`--stack "${values.stack}": a stack name has only letters, digits, "-", "_" and "."`);
    let passivePorts = DEFAULT_PASSIVE_PORTS;
    if (values["passive-ports"] !== undefined) {
        const range = /^(\d+)-(\d+)$/.exec(values["passive-ports"]);
        if (!range) throw new FlagError(`--passive-ports "${values["passive-ports"]}": expected a range A-B, e.g. 8192-8200`);
        passivePorts = { min: port("--passive-ports", range[1], 1024), max: port("--passive-ports", range[2], 1024) };
        if (passivePorts.min > passivePorts.max) throw new FlagError(`--passive-ports "${values["passive-ports"]}": the first port is above the last`);
    }
    if (values["source-ip"] !== undefined && net.isIP(values["source-ip"]) === 0) throw new FlagError(`--source-ip "${values["source-ip"]}": not an IPv4 or IPv6 address`);
    if ((values.cert === undefined) !== (values.key === undefined)) throw new FlagError(values.cert === undefined ? "--key needs --cert (the certificate it belongs to)" : "--cert needs --key (its private key)");
    let tls: TlsMaterial | undefined;
    if (values.cert !== undefined && values.key !== undefined) {
        tls = { cert: pemFile("--cert", values.cert, "CERTIFICATE"), key: pemFile("--key", values.key, "PRIVATE KEY"), selfSigned: false };
        try {
            if (!new crypto.X509Certificate(tls.cert).checkPrivateKey(crypto.createPrivateKey(tls.key))) throw new FlagError(`--key "${values.key}" is not the private key of --cert "${values.cert}"`);
        } catch (err) {
            if (err instanceof FlagError) throw err;
            throw new FlagError(`--cert "${values.cert}" / --key "${values.key}": ${(err as Error).message}`);
        }
    }
    return {
        stack: values.stack,
        port: values.port === undefined ? DEFAULT_PORT : port("--port", values.port, 0),
        passivePorts,
        ...(values.data !== undefined ? { dataDir: path.resolve(values.data) } : {}),
        ...(values["source-ip"] !== undefined ? { sourceIp: values["source-ip"] } : {}),
        ...(tls ? { tls } : {}),
        dir: values.dir ? existingFolder("--dir", values.dir) : path.resolve(__dirname, ".."),
    };
}

/** What the rehearsal prints once it listens: each user, its password, its home, and how to connect. */
export function banner(model: RehearsalModel, rehearsal: Rehearsal, flags: Flags, dataDir: string): string {
    const lines = [
        `Rehearsal of stack "${model.stack}": ${model.server.protocols.join(" and ")} on ${rehearsal.host}:${rehearsal.port}, passive ports ${flags.passivePorts.min}-${flags.passivePorts.max}`,
        `  server ${model.serverId} (${model.region}, hub ${model.hubAccountId}); logins: idp-lambda/dist/index.js on a loopback Secrets Manager`,
        `  objects: ${dataDir}/<S3 bucket name>/<key>${flags.dataDir ? "" : " (temporary: removed on exit; keep them with --data)"}; preload a user's files under the folder its home names below`,
        `  every client is rehearsed as ${rehearsal.sourceIp}${flags.sourceIp ? " (--source-ip)" : " (the first host the security group admits; --source-ip to choose)"}: ` +
            (insideAny(rehearsal.sourceIp, model.server.allowedCidrs) ? `inside network.allowedCidrs ${model.server.allowedCidrs.join(", ")}` : `OUTSIDE network.allowedCidrs ${model.server.allowedCidrs.join(", ")}, so every connection is dropped before the banner`),
        ...(rehearsal.tls ? [`  FTPS (explicit, AUTH TLS; PROT P on every data connection${model.server.tlsSessionResumption === "ENFORCED" ? ", which must resume the control connection's TLS session" : ""})` +
            (rehearsal.tls.selfSigned ? ": a self-signed certificate for 127.0.0.1 made now (lftp: set ssl:verify-certificate no)" : ": the certificate of --cert")] : []),
        "",
    ];
    for (const user of model.users) {
        lines.push(`${user.userName} (${user.access}) home ${user.home} (${path.join(dataDir, user.home)})`);
        lines.push(user.passwordSource === "generated"
            ? `  password ${user.password} (generated by the plan)`
            : `  password: a configured secret; offline its placeholder is ${user.password}`);
        if (user.allowedSourceCidrs) {
            const ranges = user.allowedSourceCidrs.join(", ");
            if (insideAny(rehearsal.sourceIp, user.allowedSourceCidrs)) lines.push(`  only from ${ranges}: ${rehearsal.sourceIp} is inside`);
            else lines.push(`  only from ${ranges}: ${rehearsal.sourceIp} is outside, so its logins are refused; rehearse with --source-ip <an address inside>`);
        }
        lines.push(`  connect: lftp -u ${user.userName} -p ${rehearsal.port}${rehearsal.tls ? " -e 'set ftp:ssl-force yes; set ftp:ssl-protect-data yes'" : ""} ${rehearsal.host}`);
    }
    lines.push("", "Ctrl-C stops the rehearsal.");
    return lines.join("\n");
}

export interface Io {
    out(line: string): void;
    err(line: string): void;
}

/** Plans, serves until SIGINT or SIGTERM, and resolves with the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
    let flags: Flags | "help";
    try {
        flags = parseFlags(argv);
    } catch (err) {
        io.err(`rehearse: ${(err as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (flags === "help") {
        io.out(USAGE);
        return 0;
    }
    let model: RehearsalModel;
    try {
        const stackConfig = readStackFile(flags.stack, flags.dir);
        model = rehearsalModel(await runPlan(flags.stack, stackConfig), stackConfig);
    } catch (err) {
        io.err(`rehearse: ${describePlanFailure(err)}`);
        return 1;
    }
    if (flags.tls && !model.server.protocols.includes("FTPS")) {
        io.err(`rehearse: --cert/--key: stack "${flags.stack}" speaks ${model.server.protocols.join(", ")}, not FTPS (closed-ftp:server.protocols)`);
        return 2;
    }
    const dataDir = flags.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-rehearse-"));
    let rehearsal: Rehearsal;
    try {
        rehearsal = await startRehearsal({
            model, dataDir, port: flags.port, passivePorts: flags.passivePorts, sourceIp: flags.sourceIp, tls: flags.tls, onEvent: (event) => io.out(describeEvent(event)),
        });
    } catch (err) {
        io.err(`rehearse: cannot serve: ${(err as Error).message}`);
        if (!flags.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
        return 1;
    }
    io.out(banner(model, rehearsal, flags, dataDir));
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
        for (const name of ["SIGINT", "SIGTERM"] as const) process.once(name, () => resolve(name));
    });
    io.out(`rehearse: ${signal}: stopping`);
    await rehearsal.stop();
    if (!flags.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    io.out("rehearse: stopped");
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
        // The mock runtime keeps no handle that matters: leave with the verdict.
        process.exit(code);
    });
}
