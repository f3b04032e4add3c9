// `npm run --silent hash-password` prints a PasswordHash for a seed-format secret: typed at a
// prompt that does not echo, or read from standard input (`< password.txt`).
import * as crypto from "crypto";
import { parseArgs } from "util";
import { hashPassword, PASSWORD_SALT_BYTES } from "./password-hash";
import { MIN_PASSWORD_LENGTH } from "./transfer-names";

export const USAGE = `usage: npm run --silent hash-password [< password.txt]

Prints a salted scrypt PasswordHash for the Password of a seed-format secret (aws/transfer/<server>/<user>).
On a terminal it asks for the password twice without echoing it; otherwise it reads standard input.
The password must be at least ${MIN_PASSWORD_LENGTH} characters, as closed-ftp:passwords asks.
  -h, --help   this text`;

/** The terminal-facing streams the prompt needs: what a TTY stdin and stderr offer. */
export interface PromptInput extends NodeJS.EventEmitter { isTTY?: boolean; setRawMode?(raw: boolean): unknown; resume(): unknown; pause(): unknown }
export interface PromptOutput { write(text: string): unknown }

/** Reads one line from a terminal in raw mode without echoing it; Ctrl-C or Ctrl-D rejects. */
export function promptHidden(question: string, input: PromptInput, output: PromptOutput): Promise<string> {
    return new Promise((resolve, reject) => {
        let typed = "";
        output.write(question);
        input.setRawMode?.(true);
        input.resume();
        const done = (error?: Error) => {
            input.removeListener("data", onData);
            input.setRawMode?.(false);
            input.pause();
            output.write("\n");
            if (error) reject(error);
            else resolve(typed);
        };
        const onData = (chunk: Buffer | string) => {
            for (const char of chunk.toString("utf8")) {
                if (char === "\r" || char === "\n") return done();
                if (char === "\u0003" || char === "\u0004") return done(new Error("cancelled"));
                if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
                else typed += char;
            }
        };
        input.on("data", onData);
    });
}

function readAll(input: NodeJS.ReadableStream): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        input.on("data", (c: Buffer) => chunks.push(c));
        input.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        input.on("error", reject);
    });
}

/** The password from the terminal (asked twice) or from standard input, or why there is none. */
async function readPassword(): Promise<{ password: string } | { problem: string }> {
    if (process.stdin.isTTY) {
        const first = await promptHidden("Password (not shown): ", process.stdin, process.stderr);
        const again = await promptHidden("Again: ", process.stdin, process.stderr);
        if (first !== again) return { problem: "the two passwords differ" };
        return { password: first };
    }
    return { password: (await readAll(process.stdin)).replace(/\r?\n$/, "") };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const { values } = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } }, strict: true });
        if (values.help) {
            console.log(USAGE);
            return 0;
        }
    } catch (err) {
        console.error(`hash-password: ${(err as Error).message.split("\n")[0]}\n\n${USAGE}`);
        return 2;
    }
    let read: Awaited<ReturnType<typeof readPassword>>;
    try {
        read = await readPassword();
    } catch (err) {
        console.error(`hash-password: ${(err as Error).message}`);
        return 2;
    }
    if ("problem" in read) {
        console.error(`hash-password: ${read.problem}`);
        return 2;
    }
    if (read.password === "") {
        console.error("hash-password: no password given (an empty password cannot be hashed)");
        return 2;
    }
    if (read.password.length < MIN_PASSWORD_LENGTH) {
        console.error(`hash-password: the password is ${read.password.length} characters; at least ${MIN_PASSWORD_LENGTH}, as closed-ftp:passwords asks (value not shown)`);
        return 2;
    }
    console.log(hashPassword(read.password, crypto.randomBytes(PASSWORD_SALT_BYTES)));
    return 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
