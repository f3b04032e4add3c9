// `npm run --silent hash-password < password.txt` prints a PasswordHash for a seed-format secret.
import * as crypto from "crypto";
import { hashPassword, PASSWORD_SALT_BYTES } from "./password-hash";

function readStdin(): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on("data", (c: Buffer) => chunks.push(c));
        process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        process.stdin.on("error", reject);
    });
}

readStdin().then((input) => {
    const password = input.replace(/\r?\n$/, "");
    if (password === "") {
        console.error("hash-password: stdin held no password (an empty password cannot be hashed)");
        process.exitCode = 2;
        return;
    }
    console.log(hashPassword(password, crypto.randomBytes(PASSWORD_SALT_BYTES)));
});
