// A config problem, by its config path: raised by the schema, by the program's look-ups and by a
// component that checks what only AWS knows (a certificate's names). Pure.

export interface ConfigIssue { path: string; message: string }

export class ConfigValidationError extends Error {
    constructor(readonly issues: ConfigIssue[]) {
        super(`${HEADER}${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
        this.name = "ConfigValidationError";
    }

    /**
     * The error back from its message, as a program run by Pulumi's runner logs it to the engine (a
     * RunError's message alone, or an apply's error inside the engine's words, a stack trace after
     * it); undefined for any other message.
     */
    static fromMessage(message: string): ConfigValidationError | undefined {
        const start = message.indexOf(HEADER);
        if (start < 0) return undefined;
        const [header, ...rest] = message.slice(start).split("\n");
        const count = /^closed-ftp: the stack config has (\d+) problems?:$/.exec(header);
        if (!count || rest.length < Number(count[1])) return undefined;
        const issues = rest.slice(0, Number(count[1])).map((line) => /^ {2}(\S.*?): (.*)$/.exec(line));
        if (issues.some((i) => !i)) return undefined;
        return new ConfigValidationError(issues.map((i) => ({ path: i![1], message: i![2] })));
    }
}

const HEADER = "closed-ftp: the stack config has ";
