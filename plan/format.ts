// The offline plan's JSON document: a public contract (README.md, "Offline plan"). Add fields; never rename.

/** One registered resource, providers included (type `pulumi:providers:aws`). */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    /** False for component resources; a custom resource with a null provider uses the default provider. */
    custom: boolean;
    /** True for a resource the program only reads (`Resource.get`): it exists already and is never changed. */
    read?: boolean;
    /** URN of the parent resource, or null for the stack's direct children. */
    parent: string | null;
    /** URN of the provider resource this resource was registered with; null for components and the default provider. */
    provider: string | null;
    /** Inputs as the program passed them, fully resolved; secrets as "[secret]" unless shown. */
    inputs: Record<string, unknown>;
    /** What the mock cloud returned: id, arn, uniqueId, ... */
    state: Record<string, unknown>;
    /** URNs of every resource this one depends on (as the engine would see them). */
    dependencies: string[];
    /** For each input property, the URNs of the resources its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** The engine refuses to delete or replace a protected resource (`protect`, as the engine receives it). */
    protect: boolean;
    /** The engine drops the resource from the stack without deleting it in the cloud (`retainOnDelete`). */
    retainOnDelete: boolean;
    /** A value whose change replaces the resource (`replacementTrigger`); absent when none is set. */
    replacementTrigger?: unknown;
    /** True when a replace deletes the old resource before creating the new one (`deleteBeforeReplace`); absent otherwise. */
    deleteBeforeReplace?: boolean;
    /** URNs this resource was known by before (its aliases, as URNs); absent when none. */
    aliases?: string[];
}

export interface PlanDocument {
    stack: string;
    /** The Pulumi project planned: closed-ftp, or closed-ftp-bootstrap for `--bootstrap`. */
    project?: string;
    /** True for a plan as the first `pulumi preview` of a new stack sees it: computed values are "[unknown]". */
    firstPreview?: boolean;
    resources: PlanResource[];
    outputs: Record<string, unknown>;
}

/** How a secret value is printed when secrets are not shown (as the Pulumi CLI does). */
export const SECRET_PLACEHOLDER = "[secret]";

/** A value the cloud computes and a first preview cannot know (an id, an ARN, a unique id). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";
