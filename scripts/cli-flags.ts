// node:util's parseArgs for every CLI here (plan, smoke, policy), with its errors said one way:
// the flag's name first, then what is wrong with it.
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";

export class FlagError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags' values, or a FlagError naming the flag: unknown, missing its value, or given one it does not take. */
export function parseFlags<T extends Options>(argv: string[], options: T) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (err) {
        const message = (err as Error).message;
        // "Option '-s, --stack <value>' argument missing": name the long form.
        const flag = /--[\w-]+/.exec(message)?.[0] ?? /'(-[\w-]+)/.exec(message)?.[1];
        if (/^Unknown option/.test(message) && flag) throw new FlagError(`unknown flag "${flag}"`);
        if (/argument missing|argument is ambiguous/.test(message) && flag) throw new FlagError(`${flag} needs a value`);
        if (/does not take an argument/.test(message) && flag) throw new FlagError(`${flag} takes no value`);
        const positional = /^Unexpected argument '(.*)'/.exec(message)?.[1];
        if (positional !== undefined) throw new FlagError(`unexpected argument "${positional}": every input is a --flag`);
        throw new FlagError(message);
    }
}

/** A flag's folder, resolved, or a FlagError naming the flag: one that does not exist, or is a file. */
export function existingFolder(flag: string, value: string): string {
    const resolved = path.resolve(value);
    if (!fs.existsSync(resolved)) throw new FlagError(`${flag} ${value}: no such folder (${resolved})`);
    if (!fs.statSync(resolved).isDirectory()) throw new FlagError(`${flag} ${value}: not a folder`);
    return resolved;
}
