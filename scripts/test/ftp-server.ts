// Starts and stops ftp-server.py (pyftpdlib) on loopback for the round-trip tests.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface LoopbackFtpUser {
    name: string;
    password: string;
    /** pyftpdlib permissions: "elr" reads, "elradfmw" also writes and deletes. */
    perm: string;
}

export interface LoopbackFtpServer {
    host: string;
    port: number;
    /** The directory a user's "/" maps to on disk. */
    homeOf(user: string): string;
    stop(): Promise<void>;
}

const SCRIPT = path.join(__dirname, "ftp-server.py");
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;

/**
 * A Python that can import pyftpdlib: $PYTHON, then the system one (where apt installs
 * python3-pyftpdlib, even when a pyenv or venv python3 comes first on PATH), then python3.
 */
export function findPython(candidates = [process.env.PYTHON, "/usr/bin/python3", "python3"].filter((c): c is string => !!c)): string {
    for (const candidate of candidates) {
        const probe = spawnSync(candidate, ["-c", "import pyftpdlib"], { stdio: "ignore", timeout: 10_000 });
        if (probe.status === 0) return candidate;
    }
    throw new Error(`no Python here can import pyftpdlib (tried ${candidates.join(", ")}): install the apt package python3-pyftpdlib (sudo apt-get install -y python3-pyftpdlib), or point $PYTHON at a Python that has it`);
}

export async function startLoopbackFtpServer(users: LoopbackFtpUser[]): Promise<LoopbackFtpServer> {
    const python = findPython();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-ftpd-"));
    const child: ChildProcessWithoutNullStreams = spawn(python, [SCRIPT, root], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const stop = async () => {
        // Closing stdin is the server's signal to exit; SIGKILL only if it does not within the bound.
        child.stdin.end();
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS); });
        const timedOut = await Promise.race([exited.then(() => false), gaveUp]);
        clearTimeout(timer);
        if (timedOut) {
            child.kill("SIGKILL");
            await exited;
        }
        fs.rmSync(root, { recursive: true, force: true });
    };

    try {
        child.stdin.write(`${JSON.stringify(users)}\n`);
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => reject(new Error(`ftp-server.py printed no PORT line within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)), START_TIMEOUT_MS);
            child.stdout.on("data", (chunk: Buffer) => {
                stdout += chunk.toString("utf8");
                const match = /^PORT (\d+)$/m.exec(stdout);
                if (match) {
                    clearTimeout(timer);
                    resolve(Number(match[1]));
                }
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`ftp-server.py exited (${code}) before listening; stderr: ${stderr}`));
            });
        });
        return { host: "127.0.0.1", port, homeOf: (user) => path.join(root, user), stop };
    } catch (err) {
        await stop();
        throw err;
    }
}
