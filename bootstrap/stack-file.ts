// The bootstrap's config is the main project's stack file, read from disk: one config for both
// programs, and none of the passwords (secure values of the main stack's secrets provider, which the
// bootstrap neither needs nor can decrypt before its key exists).
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigValidationError, NAMESPACE, parseStackConfig, StackModel } from "../stacks/config";

/** Where the main project's stack file is; the offline plan points it elsewhere (`--dir`). */
export const STACK_FILE_ENV = "CLOSED_FTP_STACK_FILE";

export function mainStackFilePath(stack: string, env: NodeJS.ProcessEnv = process.env): string {
    return env[STACK_FILE_ENV] || path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`);
}

const isSecure = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

/** The main stack's config, validated by the main program's schema, passwords left out. */
export function readMainStackFile(stack: string, env: NodeJS.ProcessEnv = process.env): StackModel {
    const file = mainStackFilePath(stack, env);
    const problem = (message: string) => new ConfigValidationError([{ path: "stack", message }]);
    if (!fs.existsSync(file)) throw problem(`the bootstrap reads the main project's stack file, and ${file} does not exist: write Pulumi.${stack}.yaml first (README "First deployment")`);
    let document: unknown;
    try {
        document = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw problem(`${path.basename(file)} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    const config = (document as { config?: unknown } | null)?.config;
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw problem(`${path.basename(file)} has no "config" map`);
    const raw: Record<string, unknown> = {};
    const secure: string[] = [];
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        if (key === `${NAMESPACE}:passwords` || key.startsWith(`${NAMESPACE}:passwords.`)) continue;
        if (isSecure(value)) secure.push(key);
        else raw[key] = value;
    }
    if (secure.length > 0) throw new ConfigValidationError(secure.map((key) => ({ path: key, message: "is a secure value, and only closed-ftp:passwords may be: the bootstrap reads no secrets" })));
    return parseStackConfig(raw);
}
