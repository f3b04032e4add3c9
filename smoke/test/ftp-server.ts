// A real FTP server (ftp-srv, from npm) on loopback for the round-trip tests: passive ports 8192-8200 as on
// the Transfer endpoint, each user's home a directory on disk, and read-only users whose writes it refuses.
import { FileSystem, FtpSrv } from "ftp-srv";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Access } from "../index";

export interface LoopbackFtpUser {
    name: string;
    password: string;
    access: Access;
}

export interface LoopbackFtpServer {
    host: string;
    port: number;
    /** The directory a user's "/" maps to on disk. */
    homeOf(user: string): string;
    stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const PASSIVE_PORTS = { min: 8192, max: 8200 };
const SIGNALS = ["SIGINT", "SIGTERM", "SIGQUIT"] as const;

interface Logger {
    child(): Logger;
    trace(): void;
    debug(): void;
    info(): void;
    warn(): void;
    error(): void;
}
// ftp-srv logs every refusal at error level; the tests read the server's replies instead.
const silent: Logger = { child: () => silent, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A read-only user's file system: ftp-srv answers each refused STOR, DELE, MKD, RNTO or SITE CHMOD with 550 and this message. */
class ReadOnlyFileSystem extends FileSystem {
    write(): never { throw new Error("Permission denied: read-only user"); }
    delete(): never { throw new Error("Permission denied: read-only user"); }
    mkdir(): never { throw new Error("Permission denied: read-only user"); }
    rename(): never { throw new Error("Permission denied: read-only user"); }
    chmod(): never { throw new Error("Permission denied: read-only user"); }
}

export async function startLoopbackFtpServer(users: LoopbackFtpUser[]): Promise<LoopbackFtpServer> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-ftpd-"));
    const homeOf = (user: string) => path.join(root, user);
    for (const user of users) fs.mkdirSync(homeOf(user.name));

    // ftp-srv's constructor makes SIGINT, SIGTERM and SIGQUIT exit the process with 0: an interrupted run must not pass.
    const ownHandlers = SIGNALS.map((signal) => process.listeners(signal));
    const server = new FtpSrv({ url: `ftp://${HOST}:0`, pasv_url: HOST, pasv_min: PASSIVE_PORTS.min, pasv_max: PASSIVE_PORTS.max, log: silent });
    SIGNALS.forEach((signal, i) => {
        for (const handler of process.listeners(signal)) if (!ownHandlers[i].includes(handler)) process.removeListener(signal, handler);
    });

    server.on("login", ({ connection, username, password }, resolve, reject) => {
        const user = users.find((u) => u.name === username && u.password === password);
        if (!user) return reject(new Error("Login incorrect."));
        const home = homeOf(user.name);
        resolve(user.access === "read-only" ? { fs: new ReadOnlyFileSystem(connection, { root: home, cwd: "/" }) } : { root: home, cwd: "/" });
    });

    const stop = async () => {
        // Ends every control connection (and with it its passive data server), then stops listening.
        await server.close();
        fs.rmSync(root, { recursive: true, force: true });
    };

    try {
        await server.listen();
        // The control port is ephemeral; ftp-srv keeps its listening socket as `server` without typing it.
        const { port } = (server as unknown as { server: net.Server }).server.address() as net.AddressInfo;
        return { host: HOST, port, homeOf, stop };
    } catch (err) {
        await stop();
        throw err;
    }
}
