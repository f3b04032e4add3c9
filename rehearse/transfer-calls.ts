// What Transfer Family asks of S3 (and, through S3, of KMS) for each FTP command, in order. The rehearsal
// authorises exactly these calls against the plan's documents; the README's table is `callTableMarkdown()`.

export type FtpCommand = "LIST" | "NLST" | "CWD" | "RETR" | "STOR" | "DELE" | "MKD" | "RMD" | "RNFR" | "RNTO" | "SIZE" | "MDTM";
export type S3Action = "s3:ListBucket" | "s3:GetObject" | "s3:PutObject" | "s3:DeleteObject";
export type KmsAction = "kms:Decrypt" | "kms:GenerateDataKey";

/** What a call names: the directory listed, the file, a directory's marker object, or a rename's two ends. */
export type CallTarget = "directory" | "file" | "directory marker" | "source" | "destination";

export interface TransferCall {
    action: S3Action;
    target: CallTarget;
    /** What S3 asks of the bucket's key for this call when the bucket is SSE-KMS. */
    kms: KmsAction[];
    /** How S3 sees the call, when the action's name does not say it. */
    as?: string;
}

const list = (target: CallTarget = "directory"): TransferCall => ({ action: "s3:ListBucket", target, kms: [], as: 'ListObjectsV2, s3:prefix "<dir>/", delimiter "/"' });
const head = (target: CallTarget = "file"): TransferCall => ({ action: "s3:GetObject", target, kms: [], as: "HeadObject" });

export const TRANSFER_CALLS: Record<FtpCommand, TransferCall[]> = {
    LIST: [list()],
    NLST: [list()],
    CWD: [list()],
    RETR: [{ action: "s3:GetObject", target: "file", kms: ["kms:Decrypt"] }],
    // Decrypt too: Transfer uploads in parts, and completing a multipart upload decrypts the data key.
    STOR: [{ action: "s3:PutObject", target: "file", kms: ["kms:GenerateDataKey", "kms:Decrypt"] }],
    DELE: [{ action: "s3:DeleteObject", target: "file", kms: [] }],
    MKD: [{ action: "s3:PutObject", target: "directory marker", kms: ["kms:GenerateDataKey"], as: 'PutObject of an empty "<dir>/"' }],
    RMD: [list(), { action: "s3:DeleteObject", target: "directory marker", kms: [], as: 'DeleteObject of "<dir>/"' }],
    RNFR: [head("source")],
    // S3 has no rename: a copy, then a delete of the source.
    RNTO: [
        { action: "s3:GetObject", target: "source", kms: ["kms:Decrypt"], as: "CopyObject reads the source" },
        { action: "s3:PutObject", target: "destination", kms: ["kms:GenerateDataKey"], as: "CopyObject writes the destination" },
        { action: "s3:DeleteObject", target: "source", kms: [] },
    ],
    SIZE: [head()],
    MDTM: [head()],
};

/** The table for the README: one row per command, its calls in order, KMS in brackets. */
export function callTableMarkdown(): string {
    const rows = Object.entries(TRANSFER_CALLS).map(([command, calls]) => {
        const cells = calls.map((c) => `\`${c.action}\` on the ${c.target}${c.as ? ` (${c.as})` : ""}${c.kms.length ? ` + ${c.kms.map((k) => `\`${k}\``).join(", ")} for SSE-KMS` : ""}`);
        return `| \`${command}\` | ${cells.join(", then ")} |`;
    });
    return ["| FTP command | calls, in order (each authorised before it runs) |", "|---|---|", ...rows].join("\n");
}
