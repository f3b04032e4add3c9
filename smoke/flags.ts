// The smoke CLI's flags: parsed and checked before anything is read or called.
import { isIP } from "net";
import { Protocol } from "./identity";
import { IAM_ROLE_ARN } from "../idp-lambda/transfer-names";
import { FlagError, parseFlags } from "../scripts/cli-flags";
import { TRANSFER_USER_NAME } from "./outputs";

export const USAGE = `usage: npm run smoke -- (--stack <name> | --outputs <file.json>) [options]

After \`pulumi up\`: Transfer's TestIdentityProvider for every user (right password accepted with the
stack's access role, home and session policy; a wrong one refused), and with --ftp a passive-mode
round trip per user. Exits 0 when every check passes, 1 when one fails, 2 on bad flags.

  --stack <name>       read the outputs with \`pulumi stack output --json --show-secrets --stack <name>\`
  --outputs <file>     read them from a file written by that command instead (it holds passwords: keep it out of git)
  --protocol FTP|FTPS  the protocol TestIdentityProvider simulates (default FTP; FTPS with --ftps)
  --source-ip <ip>     the client address TestIdentityProvider reports (default: a host of the
                       user's allowedSourceCidrs, else none)
  --user <name>        test only this user (repeatable)
  --ftp                also log in over FTP: put/list/get/delete a small file (read-only users: list,
                       and the put must be refused). Needs a host that can reach the endpoint.
  --host <name>        FTP host (default: the endpointHostname output of closed-ftp:dns, else endpointDnsName)
  --port <n>           FTP control port (default 21; data uses the passive ports 8192-8200)
  --ftps               explicit TLS (AUTH TLS, PROT P)
  --via test-client    run the FTP round trip on the stack's test client instance inside AWS
                       (closed-ftp:testClient) through SSM Run Command, with lftp: login, put, ls,
                       get, compare, delete per user (default host there: endpointDnsName)
  --timeout <seconds>  limit per step: each AWS call and each FTP command (default 30)
  --role <arn>         the hub role to assume for TestIdentityProvider (default with --stack: the stack
                       file's closed-ftp:hub.deployRoleArn, or previewRoleArn when
                       CLOSED_FTP_CREDENTIALS=preview, as the program's hub provider does)
  --ambient-credentials  call Transfer with the runner's own credentials instead (say it to mean it)
  --help               this text`;

export const MAX_TIMEOUT_SECONDS = 600;

export interface SmokeFlags {
    source: { kind: "stack"; stack: string } | { kind: "file"; file: string };
    protocol: Protocol;
    sourceIp?: string;
    users: string[];
    ftp: boolean;
    host?: string;
    port: number;
    ftps: boolean;
    /** Where the round trip runs: here, or on the test client through Run Command. */
    via: "here" | "test-client";
    timeoutSeconds: number;
    role?: string;
    ambientCredentials: boolean;
}

export class SmokeFlagError extends Error {}

/** The flags, "help", or a SmokeFlagError naming the flag, its value and the rule. */
export function parseSmokeFlags(argv: string[]): SmokeFlags | "help" {
    let values;
    try {
        values = parseFlags(argv, {
            stack: { type: "string", short: "s" }, outputs: { type: "string" }, protocol: { type: "string" }, "source-ip": { type: "string" },
            user: { type: "string", multiple: true }, ftp: { type: "boolean" }, host: { type: "string" }, port: { type: "string" },
            ftps: { type: "boolean" }, via: { type: "string" }, timeout: { type: "string" }, role: { type: "string" }, "ambient-credentials": { type: "boolean" },
            help: { type: "boolean", short: "h" },
        });
    } catch (err) {
        throw err instanceof FlagError ? new SmokeFlagError(err.message) : err;
    }
    if (values.help) return "help";
    const { stack, outputs: file, protocol, "source-ip": sourceIp, host, port, timeout, role } = values;
    const users = values.user ?? [];
    const ftp = values.ftp ?? false;
    const ftps = values.ftps ?? false;
    const ambientCredentials = values["ambient-credentials"] ?? false;

    if (stack === undefined && file === undefined) throw new SmokeFlagError("--stack <name> or --outputs <file.json> is required");
    if (stack !== undefined && file !== undefined) throw new SmokeFlagError("--stack and --outputs are two sources of the same outputs: give one");
    if (stack !== undefined && !/^[\w./-]+$/.test(stack)) throw new SmokeFlagError(`--stack "${stack}": a stack name has only letters, digits, "-", "_", "." and "/"`);

    if (role !== undefined && !IAM_ROLE_ARN.test(role)) throw new SmokeFlagError(`--role "${role}": not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    if (role !== undefined && ambientCredentials) throw new SmokeFlagError("--role and --ambient-credentials contradict each other: give one");
    if (file !== undefined && role === undefined && !ambientCredentials) {
        throw new SmokeFlagError("--outputs has no stack file to take the hub role from: give --role <hub role ARN>, or --ambient-credentials to use the runner's own");
    }
    const normalized = protocol?.toUpperCase();
    if (normalized !== undefined && normalized !== "FTP" && normalized !== "FTPS") throw new SmokeFlagError(`--protocol "${protocol}": must be FTP or FTPS (the protocols this server serves)`);
    if (normalized === "FTP" && ftps) throw new SmokeFlagError("--protocol FTP contradicts --ftps: the identity-provider check would simulate a protocol the round trip does not use");
    // net.isIP, not ipaddr.isValid: the latter takes legacy forms such as "10.10.1".
    if (sourceIp !== undefined && isIP(sourceIp) === 0) throw new SmokeFlagError(`--source-ip "${sourceIp}": not an IPv4 or IPv6 address`);
    for (const user of users) {
        if (!TRANSFER_USER_NAME.test(user)) throw new SmokeFlagError(`--user "${user}": does not match Transfer's user name pattern ${TRANSFER_USER_NAME.source}`);
    }
    const via = values.via;
    if (via !== undefined && via !== "test-client") throw new SmokeFlagError(`--via "${via}": the one place is test-client (the stack's closed-ftp:testClient instance)`);
    if (!ftp) {
        const ftpOnly = [host !== undefined && "--host", port !== undefined && "--port", ftps && "--ftps", via !== undefined && "--via"].filter(Boolean);
        if (ftpOnly.length > 0) throw new SmokeFlagError(`${ftpOnly.join(", ")}: only apply to the FTP round trip; add --ftp (for the identity-provider check over FTPS use --protocol FTPS)`);
    }
    if (host !== undefined && !/^[A-Za-z0-9.:-]+$/.test(host)) throw new SmokeFlagError(`--host "${host}": not a host name or address`);

    let portNumber = 21;
    if (port !== undefined) {
        portNumber = Number(port);
        if (!/^\d+$/.test(port) || portNumber < 1 || portNumber > 65535) throw new SmokeFlagError(`--port "${port}": must be an integer from 1 to 65535`);
    }
    let timeoutSeconds = 30;
    if (timeout !== undefined) {
        timeoutSeconds = Number(timeout);
        if (!/^\d+(\.\d+)?$/.test(timeout) || !(timeoutSeconds > 0) || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new SmokeFlagError(`--timeout "${timeout}": must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`);
        }
    }

    return {
        source: stack !== undefined ? { kind: "stack", stack } : { kind: "file", file: file as string },
        protocol: (normalized ?? (ftps ? "FTPS" : "FTP")) as Protocol,
        sourceIp,
        users: [...new Set(users)],
        ftp,
        host,
        port: portNumber,
        ftps,
        via: via === "test-client" ? "test-client" : "here",
        timeoutSeconds,
        ...(role !== undefined ? { role } : {}),
        ambientCredentials,
    };
}
