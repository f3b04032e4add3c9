// Reading IAM policy documents as the engine hands them over: JSON strings or objects; and which
// resource a property names.
import { PolicyResource } from "@pulumi/policy";

export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    NotPrincipal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

export type ParsedDocument = { ok: true; statements: Statement[] } | { ok: false; problem: string };

export function parseDocument(value: unknown): ParsedDocument {
    let doc = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch {
            return { ok: false, problem: "is not valid JSON" };
        }
    }
    if (typeof doc !== "object" || doc === null) return { ok: false, problem: "is not a policy document" };
    const statement = (doc as { Statement?: unknown }).Statement;
    if (statement === undefined) return { ok: false, problem: "has no Statement" };
    const statements = (Array.isArray(statement) ? statement : [statement]) as Statement[];
    return { ok: true, statements };
}

export const list = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

export function label(statement: Statement, index: number): string {
    return statement.Sid ? `statement "${statement.Sid}"` : `statement ${index}`;
}

/** AWS principals of a statement, as written: `"*"`, `{ AWS: ... }`, `{ Service: ... }`. */
export function awsPrincipals(principal: unknown): string[] {
    if (principal === "*") return ["*"];
    if (typeof principal === "object" && principal !== null) return list((principal as { AWS?: unknown }).AWS);
    return [];
}

/** A condition key's presence anywhere in the statement's Condition block, case-insensitively. */
export function hasConditionKey(statement: Statement, key: string): boolean {
    return Object.values(statement.Condition ?? {}).some((block) => Object.keys(block ?? {}).some((k) => k.toLowerCase() === key.toLowerCase()));
}

/**
 * Whether `resource`'s `property` names `target`: by its value wherever it is known (`same` compares),
 * and only where a first preview does not know it yet, by the resource the value came from. A value
 * decides over its dependency: a program can derive any literal from an unrelated resource's output.
 */
export function refersTo(resource: PolicyResource, property: string, value: () => unknown, target: PolicyResource, same: (value: unknown, target: PolicyResource) => boolean | undefined): boolean {
    const byDependency = () => (resource.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn);
    let v: unknown;
    try {
        v = value();
    } catch {
        return byDependency();
    }
    try {
        // undefined: the target has no id yet (a first preview creates it), so only the dependency can tell.
        return same(v, target) ?? byDependency();
    } catch {
        return byDependency();
    }
}
