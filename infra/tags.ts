import * as pulumi from "@pulumi/pulumi";

/**
 * The Name tag a person finds a resource by in the console (route tables, subnets, security
 * groups, endpoints, ...): the project, the stack and the resource's logical name.
 */
export function nameTag(name: string): { Name: string } {
    return { Name: `${pulumi.getProject()}-${pulumi.getStack()}-${name}` };
}
