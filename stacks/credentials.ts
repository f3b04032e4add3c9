// Which role each account's provider assumes: the deploy role for `pulumi up`, the read-only
// preview role for a pull request's `pulumi preview`, which runs code nobody has reviewed yet.
// The smoke test assumes the hub's role by the same rule.
import { HUB_KEY } from "../infra/model";
import { AccountModel, ConfigValidationError, NAMESPACE } from "./config";

export type Credentials = "deploy" | "preview";
export const CREDENTIALS_ENV = "CLOSED_FTP_CREDENTIALS";

/** CLOSED_FTP_CREDENTIALS: unset or "deploy" for `pulumi up`, "preview" for pull-request previews. */
export function credentialsFrom(value: string | undefined): Credentials {
    if (value === undefined || value === "" || value === "deploy") return "deploy";
    if (value === "preview") return "preview";
    throw new ConfigValidationError([{ path: CREDENTIALS_ENV, message: `"${value}" is not deploy or preview` }]);
}

/** The role an account's provider assumes, or undefined for ambient credentials. */
export function roleToAssume(account: Pick<AccountModel, "key" | "deployRoleArn" | "previewRoleArn">, credentials: Credentials): string | undefined {
    if (credentials === "deploy") return account.deployRoleArn;
    if (account.previewRoleArn) return account.previewRoleArn;
    // No role at all means ambient credentials, which the preview job holds read-only anyway.
    if (!account.deployRoleArn) return undefined;
    const path = account.key === HUB_KEY ? `${NAMESPACE}:hub.previewRoleArn` : `${NAMESPACE}:accounts.${account.key}.previewRoleArn`;
    throw new ConfigValidationError([{ path, message: `is required when ${CREDENTIALS_ENV}=preview: a preview must never assume the deploy role ${account.deployRoleArn}` }]);
}
