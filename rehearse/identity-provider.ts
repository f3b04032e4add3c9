// The real IdP bundle (idp-lambda/dist/index.js), run in this process against a loopback Secrets
// Manager that holds the plan's secret versions. The bundle gets its own `process.env` (the loopback
// endpoint, dummy credentials) and its own stdout (its JSON log lines), so nothing leaks either way.
import * as fs from "fs";
import * as path from "path";
import { loopbackEnv, startLoopbackSecretsManager } from "../idp-lambda/test-support/loopback-secrets-manager";

export const IDP_BUNDLE = path.join(__dirname, "..", "idp-lambda", "dist", "index.js");

export interface TransferEvent { username: string; password: string; protocol: "FTP"; serverId: string; sourceIp: string }

/** Transfer's view of the IdP's answer; `{}` is a refusal. */
export interface IdpAnswer { Role?: string; Policy?: string; HomeDirectoryType?: string; HomeDirectoryDetails?: string; HomeDirectory?: string }

export interface IdentityProvider {
    invoke(event: TransferEvent): Promise<IdpAnswer>;
    close(): Promise<void>;
}

type Handler = (event: unknown) => Promise<IdpAnswer>;

/** Loads the bundle as Lambda would (CommonJS), with `process` seen through a view that swaps env and stdout. */
function loadBundle(code: string, env: Record<string, string>, writeLog: (line: string) => void): Handler {
    const stdout = { write: (chunk: string | Uint8Array) => (String(chunk).split("\n").filter((l) => l !== "").forEach(writeLog), true) };
    const view = new Proxy(process, {
        get(target, key) {
            if (key === "env") return env;
            if (key === "stdout") return stdout;
            // The SDK's notice about Node versions is for the Lambda runtime's owner, not for a rehearsal.
            if (key === "emitWarning") return () => undefined;
            const value = Reflect.get(target, key, target) as unknown;
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
    });
    const loaded = { exports: {} as { handler?: Handler } };
    new Function("module", "exports", "require", "process", code)(loaded, loaded.exports, require, view);
    if (typeof loaded.exports.handler !== "function") throw new Error(`rehearse: ${IDP_BUNDLE} exports no handler`);
    return loaded.exports.handler;
}

export async function startIdentityProvider(secrets: Record<string, string>, writeLog: (line: string) => void, bundlePath = IDP_BUNDLE): Promise<IdentityProvider> {
    if (!fs.existsSync(bundlePath)) throw new Error(`rehearse: ${bundlePath} does not exist; build it with \`npm run build:idp\``);
    const secretsManager = await startLoopbackSecretsManager(secrets);
    try {
        const env = {
            ...loopbackEnv(secretsManager.url),
            // Nothing from this machine's AWS config may reach the bundle.
            AWS_CONFIG_FILE: path.join(path.sep, "nonexistent", "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(path.sep, "nonexistent", "credentials"),
        };
        const handler = loadBundle(fs.readFileSync(bundlePath, "utf8"), env, writeLog);
        return { invoke: (event) => handler(event), close: () => secretsManager.close() };
    } catch (err) {
        await secretsManager.close();
        throw err;
    }
}
