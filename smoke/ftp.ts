// The passive-mode FTP round trip of one user, with basic-ftp: every step bounded, the client always closed.
import { Client, FTPError } from "basic-ftp";
import { randomBytes } from "crypto";
import { isIP } from "net";
import { Readable, Writable } from "stream";
import { ConnectionOptions } from "tls";

import { Access } from "../infra/model";

export type { Access };
export type FtpStep = "connect" | "tls" | "login" | "put" | "list" | "get" | "delete";

export interface FtpTarget {
    host: string;
    port: number;
    /** Explicit TLS (AUTH TLS, then PROT P for data: Transfer refuses PROT C). */
    secure: boolean;
    /** Per step: a step that takes longer closes the connection and fails. */
    timeoutMs: number;
    /** Extra TLS options (a private CA); the certificate is still verified against `host`. */
    tls?: ConnectionOptions;
}

export interface FtpLogin {
    userName: string;
    password: string;
    access: Access;
}

/** The small unique file a read-write user puts, lists, gets back and deletes. */
export interface FtpProbe {
    name: string;
    content: Buffer;
}

export interface FtpRoundTripResult {
    ok: boolean;
    /** `put/list/get/delete`, `list, put refused as read-only (...)`, or the failing step and its reason. */
    detail: string;
    durationMs: number;
}

/** Called after each step that succeeded, with the probe's name (lets a test look at the server's disk). */
export type StepObserver = (step: FtpStep, probeName: string) => void | Promise<void>;

export function newProbe(userName: string, now = new Date()): FtpProbe {
    const nonce = randomBytes(6).toString("hex");
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    return {
        name: `closed-ftp-smoke-${stamp}-${nonce}.txt`,
        content: Buffer.from(`closed-ftp smoke test for ${userName} at ${now.toISOString()} nonce ${nonce}\n`, "utf8"),
    };
}

class StepFailure extends Error {
    constructor(readonly step: FtpStep, readonly cause: unknown, reason: string) {
        super(`${step} failed: ${reason}`);
    }
}

function reasonOf(err: unknown): string {
    if (err instanceof FTPError) return err.message.trim();
    return err instanceof Error ? err.message : String(err);
}

/**
 * A refusal is the server's "no" to the command itself (4xx/5xx), not a broken connection:
 * 421 (closing), 425 (no data connection: the passive ports are blocked) and 426 (aborted) are failures.
 */
export function isRefusal(err: unknown): err is FTPError {
    return err instanceof FTPError && err.code >= 400 && err.code < 600 && ![421, 425, 426].includes(err.code);
}

function collect(): { sink: Writable; bytes: () => Buffer } {
    const chunks: Buffer[] = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } });
    return { sink, bytes: () => Buffer.concat(chunks) };
}

/** Runs `action` on `client`, closing the client (which aborts the command) after `timeoutMs`. */
async function bounded<T>(client: Client, timeoutMs: number, action: () => Promise<T>): Promise<{ value: T } | { timedOut: true }> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            timedOut = true;
            reject(new Error("deadline"));
            client.close();
        }, timeoutMs);
    });
    try {
        return { value: await Promise.race([action(), deadline]) };
    } catch (err) {
        // Closing the client also makes the pending command reject: `timedOut` keeps the reason honest.
        if (timedOut) return { timedOut: true };
        throw err;
    } finally {
        clearTimeout(timer);
    }
}

/**
 * Read-write: login, put, list (the probe is there), get (same bytes), delete, list (it is gone).
 * Read-only: login, list, put must be REFUSED, list (no probe left behind).
 */
export async function ftpRoundTrip(target: FtpTarget, login: FtpLogin, probe: FtpProbe, observe?: StepObserver): Promise<FtpRoundTripResult> {
    const started = Date.now();
    const client = new Client(target.timeoutMs);
    const done: string[] = [];
    let probeOnServer = false;

    const step = async <T>(name: FtpStep, action: () => Promise<T>): Promise<T> => {
        let outcome: { value: T } | { timedOut: true };
        try {
            outcome = await bounded(client, target.timeoutMs, action);
        } catch (err) {
            throw new StepFailure(name, err, reasonOf(err));
        }
        if ("timedOut" in outcome) throw new StepFailure(name, undefined, `no answer within ${target.timeoutMs / 1000} s (--timeout)`);
        await observe?.(name, probe.name);
        return outcome.value;
    };
    const names = async () => (await step("list", () => client.list())).map((f) => f.name);

    try {
        await step("connect", () => client.connect(target.host, target.port));
        // The TLS host also names the server for the data connections' certificate check.
        if (target.secure) await step("tls", () => client.useTLS({ ...target.tls, host: target.host, ...(isIP(target.host) ? {} : { servername: target.host }) }));
        await step("login", async () => {
            await client.login(login.userName, login.password);
            await client.useDefaultSettings();
        });

        if (login.access === "read-only") {
            await names();
            done.push("list");
            let refusal: string | undefined;
            try {
                await step("put", () => client.uploadFrom(Readable.from(probe.content), probe.name));
                probeOnServer = true;
            } catch (err) {
                const cause = err instanceof StepFailure ? err.cause : err;
                if (!isRefusal(cause)) throw err;
                refusal = reasonOf(cause);
            }
            if (refusal === undefined) throw new StepFailure("put", undefined, "the server accepted a put from a read-only user");
            if ((await names()).includes(probe.name)) {
                probeOnServer = true;
                throw new StepFailure("put", undefined, `the put was refused (${refusal}) but ${probe.name} exists`);
            }
            return { ok: true, detail: `list, put refused as read-only (${refusal})`, durationMs: Date.now() - started };
        }

        await step("put", () => client.uploadFrom(Readable.from(probe.content), probe.name));
        probeOnServer = true;
        done.push("put");
        if (!(await names()).includes(probe.name)) throw new StepFailure("list", undefined, `${probe.name} is not in the listing after the put`);
        done.push("list");
        const copy = collect();
        await step("get", () => client.downloadTo(copy.sink, probe.name));
        if (!copy.bytes().equals(probe.content)) throw new StepFailure("get", undefined, `the ${copy.bytes().length} bytes read back differ from the ${probe.content.length} put`);
        done.push("get");
        await step("delete", () => client.remove(probe.name));
        probeOnServer = false;
        if ((await names()).includes(probe.name)) {
            probeOnServer = true;
            throw new StepFailure("delete", undefined, `${probe.name} is still listed after the delete`);
        }
        done.push("delete");
        return { ok: true, detail: done.join("/"), durationMs: Date.now() - started };
    } catch (err) {
        const failure = err instanceof StepFailure ? err : new StepFailure("connect", err, reasonOf(err));
        client.close();
        const cleanup = probeOnServer ? await removeProbe(target, login, probe) : "";
        const after = done.length > 0 ? ` after ${done.join("/")}` : "";
        return { ok: false, detail: `${failure.message}${after}${cleanup}`, durationMs: Date.now() - started };
    } finally {
        client.close();
    }
}

/** Best effort, on a fresh connection (the failed one may be closed): a failed run leaves no probe behind. */
async function removeProbe(target: FtpTarget, login: FtpLogin, probe: FtpProbe): Promise<string> {
    const client = new Client(target.timeoutMs);
    try {
        const outcome = await bounded(client, target.timeoutMs, async () => {
            await client.access({ host: target.host, port: target.port, user: login.userName, password: login.password, secure: target.secure, secureOptions: target.tls });
            await client.remove(probe.name);
        });
        if ("timedOut" in outcome) return `; cleanup: no answer within ${target.timeoutMs / 1000} s: delete ${probe.name} by hand`;
        return `; cleanup: removed ${probe.name}`;
    } catch (err) {
        return `; cleanup: could not remove ${probe.name} (${reasonOf(err)}): delete it by hand`;
    } finally {
        client.close();
    }
}
