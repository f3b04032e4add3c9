// Structured JSON log lines with a fixed set of fields. Nothing here accepts a free-form object,
// so a password, hash or secret body has no way onto a log line.

export type Outcome = "granted" | "denied";

export interface LoginRecord {
    outcome: Outcome;
    /** Why the login was denied (or how it was granted): a stable code, see README. */
    reason: string;
    username?: string;
    serverId?: string;
    protocol?: string;
    sourceIp?: string;
    secretName?: string;
    cache?: "hit" | "miss" | "off";
    durationMs?: number;
}

export type LogWriter = (line: string) => void;

const stdoutWriter: LogWriter = (line) => process.stdout.write(`${line}\n`);

// Only short, printable strings from the event reach a log line; anything else is replaced.
function safe(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    return /^[\x20-\x7e]{0,128}$/.test(value) ? value : "<unprintable or too long>";
}

export function logLogin(record: LoginRecord, write: LogWriter = stdoutWriter): void {
    write(JSON.stringify({
        level: record.outcome === "granted" ? "INFO" : "WARN",
        message: record.outcome === "granted" ? "login granted" : "login denied",
        outcome: record.outcome,
        reason: record.reason,
        username: safe(record.username),
        serverId: safe(record.serverId),
        protocol: safe(record.protocol),
        sourceIp: safe(record.sourceIp),
        secretName: safe(record.secretName),
        cache: record.cache,
        durationMs: record.durationMs,
    }));
}

export function logWarning(message: string, detail: Record<string, string | number>, write: LogWriter = stdoutWriter): void {
    write(JSON.stringify({ level: "WARN", message, ...detail }));
}
