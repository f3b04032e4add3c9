// The seed's Python handler, taken at run time from the source document (a blog post that quotes
// AWS's CloudFormation template): find the template in the prose, parse it as YAML, and return the
// inline code (Code.ZipFile, plain or under Fn::Sub) of the Lambda function whose handler it names.
import { parseDocument } from "yaml";

export type SeedHandler = { ok: true; code: string } | { ok: false; why: string };

// A template line: blank, indented, a top-level `Key:` or a document marker; prose ends the template.
const TEMPLATE_LINE = /^(?:\s*$|\s+\S|[A-Za-z][\w:]*:(?:\s|$)|---\s*$)/;

function templateText(document: string): string | undefined {
    const lines = document.split(/\r?\n/);
    const start = lines.findIndex((line) => /^AWSTemplateFormatVersion:/.test(line));
    if (start < 0) return undefined;
    let end = start + 1;
    while (end < lines.length && TEMPLATE_LINE.test(lines[end])) end++;
    return lines.slice(start, end).join("\n");
}

export function extractSeedHandler(document: string): SeedHandler {
    const text = templateText(document);
    if (text === undefined) return { ok: false, why: "it quotes no CloudFormation template (no AWSTemplateFormatVersion line)" };
    const parsed = parseDocument(text, { logLevel: "silent" });
    if (parsed.errors.length > 0) return { ok: false, why: `its template does not parse as YAML: ${parsed.errors[0].message.split("\n")[0]}` };
    const resources = (parsed.toJS() as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }).Resources ?? {};
    for (const resource of Object.values(resources)) {
        if (resource?.Type !== "AWS::Lambda::Function") continue;
        const zipFile = (resource.Properties?.Code as { ZipFile?: unknown } | undefined)?.ZipFile;
        const code = typeof zipFile === "string" ? zipFile : (zipFile as { "Fn::Sub"?: unknown } | undefined)?.["Fn::Sub"];
        if (typeof code !== "string") continue;
        const handler = String(resource.Properties?.Handler ?? "index.lambda_handler").split(".").pop() as string;
        if (!new RegExp(`^def ${handler}\\(`, "m").test(code)) continue;
        // Fn::Sub would substitute ${Name}; the seed's code references none, and `${!x}` is a literal.
        if (/\$\{(?!!)/.test(code)) return { ok: false, why: "its handler code references template parameters (${...}), which the bench cannot substitute" };
        return { ok: true, code: code.replace(/\$\{!/g, "${") };
    }
    return { ok: false, why: "its template has no AWS::Lambda::Function with inline Python code" };
}
