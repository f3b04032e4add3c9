// The smoke test's FTP round trip against a real FTP server (ftp-srv) on loopback, passive ports 8192-8200.
import * as assert from "assert";
import { Client, FTPError } from "basic-ftp";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ftpRoundTrip, FtpStep, FtpTarget, isRefusal, newProbe, parseStackOutputs, runSmoke } from "../index";
import { BUCKET_NAMES, grantFor, outputsDocument } from "./ftp-outputs-fixture";
import { LoopbackFtpServer, startLoopbackFtpServer } from "./ftp-server";

const WRITER = { name: "writer", password: "writer-password-1", access: "read-write" } as const;
const READER = { name: "reader", password: "reader-password-1", access: "read-only" } as const;

describe("smoke: FTP round trip against a real FTP server", function () {
    this.timeout(20_000);
    let server: LoopbackFtpServer;
    let target: FtpTarget;

    before(async () => {
        server = await startLoopbackFtpServer([WRITER, READER]);
        target = { host: server.host, port: server.port, secure: false, timeoutMs: 5_000 };
    });
    after(async () => {
        await server?.stop();
    });

    it("a read-write user puts, lists, gets and deletes a file that really lands on the server's disk", async () => {
        const probe = newProbe(WRITER.name);
        const onDisk = path.join(server.homeOf(WRITER.name), probe.name);
        const seen: Partial<Record<FtpStep, Buffer | null>> = {};
        const result = await ftpRoundTrip(target, { userName: WRITER.name, password: WRITER.password, access: "read-write" }, probe, (step) => {
            seen[step] = fs.existsSync(onDisk) ? fs.readFileSync(onDisk) : null;
        });
        assert.deepStrictEqual(result, { ok: true, detail: "put/list/get/delete", durationMs: result.durationMs });
        assert.deepStrictEqual(seen.put, probe.content, "after the put the file is on disk with the bytes sent");
        assert.strictEqual(seen.delete, null, "after the delete the file is gone");
        assert.deepStrictEqual(fs.readdirSync(server.homeOf(WRITER.name)), []);
    });

    it("a read-only user lists, and its put is refused: a pass, with nothing written", async () => {
        const result = await ftpRoundTrip(target, { userName: READER.name, password: READER.password, access: "read-only" }, newProbe(READER.name));
        assert.strictEqual(result.ok, true, result.detail);
        assert.match(result.detail, /^list, put refused as read-only \(550 /);
        assert.deepStrictEqual(fs.readdirSync(server.homeOf(READER.name)), []);
    });

    it("fails a read-write user whose put the server refuses, naming the step and the server's reply", async () => {
        const result = await ftpRoundTrip(target, { userName: READER.name, password: READER.password, access: "read-write" }, newProbe(READER.name));
        assert.strictEqual(result.ok, false);
        assert.match(result.detail, /^put failed: 550 /);
    });

    it("fails a read-only user whose put is accepted, and removes the file it left", async () => {
        const probe = newProbe(WRITER.name);
        const result = await ftpRoundTrip(target, { userName: WRITER.name, password: WRITER.password, access: "read-only" }, probe);
        assert.strictEqual(result.ok, false);
        assert.match(result.detail, /^put failed: the server accepted a put from a read-only user after list; cleanup: removed closed-ftp-smoke-/);
        assert.ok(!fs.existsSync(path.join(server.homeOf(WRITER.name), probe.name)));
    });

    it("fails when the bytes read back are not the bytes put, and removes the file", async () => {
        const probe = newProbe(WRITER.name);
        const onDisk = path.join(server.homeOf(WRITER.name), probe.name);
        const result = await ftpRoundTrip(target, { userName: WRITER.name, password: WRITER.password, access: "read-write" }, probe, (step) => {
            if (step === "put") fs.writeFileSync(onDisk, "changed on the server\n");
        });
        assert.strictEqual(result.ok, false);
        assert.strictEqual(result.detail, `get failed: the 22 bytes read back differ from the ${probe.content.length} put after put/list; cleanup: removed ${probe.name}`);
        assert.ok(!fs.existsSync(onDisk));
    });

    it("fails a wrong password at login with the server's 530", async () => {
        const result = await ftpRoundTrip(target, { userName: WRITER.name, password: "not-the-password", access: "read-write" }, newProbe(WRITER.name));
        assert.strictEqual(result.ok, false);
        assert.match(result.detail, /^login failed: 530 /);
    });

    it("gives up on a server that never answers after --timeout, and says so", async () => {
        const sockets: net.Socket[] = [];
        const silent = net.createServer((socket) => sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        try {
            const port = (silent.address() as net.AddressInfo).port;
            const result = await ftpRoundTrip({ host: "127.0.0.1", port, secure: false, timeoutMs: 300 }, { userName: WRITER.name, password: WRITER.password, access: "read-write" }, newProbe(WRITER.name));
            assert.strictEqual(result.ok, false);
            assert.match(result.detail, /^connect failed: no answer within 0.3 s \(--timeout\)$/);
            assert.ok(result.durationMs < 3_000, `took ${result.durationMs} ms`);
        } finally {
            for (const socket of sockets) socket.destroy();
            await new Promise<void>((resolve) => silent.close(() => resolve()));
        }
    });

    it("the loopback server listens for passive data on 127.0.0.1 in Transfer's range 8192-8200", async () => {
        const client = new Client(5_000);
        try {
            await client.access({ host: server.host, port: server.port, user: READER.name, password: READER.password });
            const reply = await client.send("PASV");
            const numbers = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.message);
            assert.ok(numbers, reply.message);
            assert.strictEqual(numbers.slice(1, 5).join("."), "127.0.0.1");
            const port = Number(numbers[5]) * 256 + Number(numbers[6]);
            assert.ok(port >= 8192 && port <= 8200, `passive port ${port}`);
            // Connecting also ends ftp-srv's 30 s wait for a data connection, which would keep the run alive.
            await new Promise<void>((resolve, reject) => {
                const data = net.connect(port, "127.0.0.1", () => { data.destroy(); resolve(); });
                data.once("error", reject);
            });
        } finally {
            client.close();
        }
    });

    it("runSmoke drives the real round trip per user and prints one line each, never a password", async () => {
        const outputs = parseStackOutputs(outputsDocument({
            writer: { password: WRITER.password, access: "read-write" },
            reader: { password: READER.password, access: "read-only" },
        }, server.host), "loopback");
        const lines: string[] = [];
        const report = await runSmoke(outputs, { source: "loopback", protocol: "FTP", ftp: target }, {
            transfer: { testIdentityProvider: async (r) => ({ statusCode: 200, url: "lambda", response: r.password === outputs.userPasswords[r.userName] ? grantFor(BUCKET_NAMES.inbox, r.userName) : "{}" }) },
            log: (line) => lines.push(line),
        });
        assert.strictEqual(report.ok, true, lines.join("\n"));
        assert.match(lines[1], /^\[1\/2\] writer {2}identity-provider ok {2}ftp ok \(put\/list\/get\/delete \d+ ms\)$/);
        assert.match(lines[2], /^\[2\/2\] reader {2}identity-provider ok {2}ftp ok \(list, put refused as read-only \(550 .*\) \d+ ms\)$/);
        assert.strictEqual(lines[3], "smoke: all 2 user(s) passed");
        for (const line of lines) assert.ok(!line.includes(WRITER.password) && !line.includes(READER.password), line);
    });
});

describe("smoke: what counts as the server's refusal", () => {
    it("counts the server's 'no' as a refusal, but not a lost connection or blocked passive ports", () => {
        const reply = (code: number) => new FTPError({ code, message: `${code} reply` });
        for (const code of [450, 451, 452, 530, 550, 553]) assert.strictEqual(isRefusal(reply(code)), true, String(code));
        for (const code of [421, 425, 426, 226]) assert.strictEqual(isRefusal(reply(code)), false, String(code));
        assert.strictEqual(isRefusal(new Error("ECONNRESET")), false);
    });
});
