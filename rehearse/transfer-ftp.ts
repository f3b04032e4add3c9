// What Transfer Family's FTP accepts, as its user guide states it, and how the rehearsal answers what
// it does not. The source of every rule, unless a row says otherwise, is "Transferring files over a
// server endpoint using a client": https://docs.aws.amazon.com/transfer/latest/userguide/transfer-file.html
// Transfer does not document its reply codes; where it refuses, the rehearsal answers with the code
// RFC 959 (FTP) or RFC 4217 (FTP over TLS) gives that refusal, and the fidelity table says so.

export const TRANSFER_FILE_PAGE = "https://docs.aws.amazon.com/transfer/latest/userguide/transfer-file.html";
export const PROTOCOL_DETAILS_PAGE = "https://docs.aws.amazon.com/transfer/latest/APIReference/API_ProtocolDetails.html";

/** "The following is a list of available commands for FTP and FTPS" (TRANSFER_FILE_PAGE). Nothing else is. */
export const TRANSFER_FTP_COMMANDS = [
    "ABOR", "AUTH", "CDUP", "CWD", "DELE", "EPSV", "FEAT", "LANG", "LIST", "MDTM", "MFMT", "MKD", "MLSD", "MLST", "MODE", "NLST",
    "NOOP", "OPTS", "PASS", "PASV", "PBSZ", "PROT", "PWD", "QUIT", "RETR", "RMD", "RNFR", "RNTO", "SIZE", "STAT", "STOR", "STOU",
    "STRU", "SYST", "TYPE", "USER",
] as const;

/**
 * Commands of Transfer's list that the rehearsal does not serve: it answers them 502 and says so, so
 * that the rehearsal is never more lenient than Transfer, only stricter on these.
 */
export const NOT_REHEARSED: Record<string, string> = {
    LANG: "Transfer lists LANG but documents no language but its own",
    MFMT: "on S3, Transfer cannot set a file's modification time (the page's chmtime: \"Not supported\" for Amazon S3)",
    MLSD: "the rehearsal lists with LIST and NLST only",
    MLST: "the rehearsal lists with LIST and NLST only",
};

/** Why a command outside Transfer's list is refused, for the ones a client is likely to send. */
const WHY_REFUSED: Record<string, string> = {
    PORT: "Transfer's FTP is passive only (\"only Passive mode is supported\"): use PASV or EPSV",
    EPRT: "Transfer's FTP is passive only (\"only Passive mode is supported\"): use PASV or EPSV",
    REST: "Transfer does not restart transfers (REST is not among its commands): download or upload the file whole",
    APPE: "\"APPE is not supported\": S3 objects are written whole",
    SITE: "Transfer has no SITE commands (SITE CHMOD, SITE UTIME): S3 keeps no modes",
    ALLO: "ALLO is not among Transfer's commands",
};

/** The reply to a command before the FTP server sees it, or undefined to let it through. */
export interface Refusal { code: number; message: string }

export function refusalOf(directive: string): Refusal | undefined {
    if (NOT_REHEARSED[directive]) return { code: 502, message: `${directive} is not rehearsed: ${NOT_REHEARSED[directive]}` };
    if ((TRANSFER_FTP_COMMANDS as readonly string[]).includes(directive)) return undefined;
    return { code: 502, message: `${directive}: ${WHY_REFUSED[directive] ?? `${directive} is not among Transfer's FTP commands`}` };
}

/** TYPE: "only Image/Binary mode is supported". A and L 8 are taken, and the file still moves byte for byte. */
export function typeReply(argument: string | null): Refusal {
    const type = (argument ?? "").trim().toUpperCase().replace(/\s+/g, " ");
    if (type === "I" || type === "L 8") return { code: 200, message: "Type set to I (binary)" };
    if (type === "A" || type === "A N") return { code: 200, message: "Type A taken, but files move byte for byte: Transfer supports only Image/Binary mode" };
    return { code: 504, message: `TYPE ${type || "(none)"}: only TYPE I (binary) is supported` };
}

/** MODE: "only STREAM mode is supported". */
export function modeReply(argument: string | null): Refusal {
    return /^S$/i.test((argument ?? "").trim()) ? { code: 200, message: "Mode set to S (stream)" } : { code: 504, message: `MODE ${argument ?? ""}: only STREAM mode (MODE S) is supported`.trim() };
}

/** Commands that open a data connection: with FTPS they need PROT P first. */
export const DATA_COMMANDS = ["LIST", "NLST", "RETR", "STOR", "STOU", "MLSD"] as const;

/** The FEAT lines of what the rehearsal serves: AUTH TLS, PBSZ and PROT only when the server speaks FTPS. */
export function featureLines(ftps: boolean): string[] {
    return [...(ftps ? ["AUTH TLS", "PBSZ", "PROT"] : []), "EPSV", "MDTM", "PASV", "SIZE", "UTF8"];
}

/** One row of the README's fidelity table: what Transfer does (and where it says so), and what the rehearsal does. */
export interface FidelityRow { topic: string; transfer: string; source: string; rehearsal: string }

const RFC959 = "RFC 959 §4.2";
const RFC4217 = "RFC 4217";
const SG_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html";
const LFTP = "lftp's src/ftpclass.cc takes 500, 501 or 502 to SITE CHMOD as site_chmod_supported=false";

/** Each row is tested by a rehearse test whose title starts with `[<topic>]`. */
export const FIDELITY: FidelityRow[] = [
    { topic: "active mode", transfer: "\"only Passive mode is supported\": PORT and EPRT are not among its commands", source: TRANSFER_FILE_PAGE, rehearsal: `PORT and EPRT answered 502 (${RFC959}: not implemented); PASV and EPSV carry the data` },
    { topic: "client address", transfer: "the endpoint's security groups admit network.allowedCidrs on 21 and 8192–8200; anything else is dropped, so the client times out before a banner", source: SG_PAGE, rehearsal: "every client is rehearsed as --source-ip (default: the first host of the first allowed range); outside the plan's port-21 rules its connection is reset before the banner, and the IdP is never asked" },
    { topic: "FTPS", transfer: "explicit only (AUTH TLS on port 21), with the ACM certificate; \"Implicit mode is not supported\"", source: TRANSFER_FILE_PAGE, rehearsal: "served when server.protocols has FTPS: AUTH TLS with --cert/--key, or a self-signed certificate for 127.0.0.1 made at start; FEAT lists AUTH TLS, PBSZ and PROT only then, and an FTP-only stack answers AUTH TLS 502" },
    { topic: "FTPS only", transfer: "a server whose protocols are FTPS alone takes no login in the clear (its reply is not documented)", source: TRANSFER_FILE_PAGE, rehearsal: `USER before AUTH TLS answered 530 (${RFC4217} §6)` },
    { topic: "PROT P", transfer: "\"PROT C is not supported … you need to issue PROT P for your data operation to be accepted\"", source: TRANSFER_FILE_PAGE, rehearsal: "PROT C answered 536; LIST, NLST, RETR, STOR, STOU before PROT P answered 521" },
    { topic: "TLS session resumption", transfer: "TlsSessionResumptionMode defaults to ENFORCED: a data connection that does not resume the control connection's TLS session is rejected (logged TLS_RESUME_FAILURE)", source: PROTOCOL_DETAILS_PAGE, rehearsal: "the plan's mode (unset: ENFORCED); a data connection that resumes no TLS session of the rehearsal's is closed and the command answered 522, pipelined after PASV too (a session of the client's other control connection is taken: finer than Transfer documents)" },
    { topic: "TYPE", transfer: "\"only Image/Binary mode is supported\"", source: TRANSFER_FILE_PAGE, rehearsal: "TYPE I and L 8 taken; TYPE A taken but the file still moves byte for byte (no line-ending conversion); TYPE E and others 504" },
    { topic: "MODE", transfer: "\"only STREAM mode is supported\"", source: TRANSFER_FILE_PAGE, rehearsal: "MODE S taken; MODE B and C 504" },
    { topic: "restarts", transfer: "REST is not among its commands: an interrupted download or upload starts again whole", source: TRANSFER_FILE_PAGE, rehearsal: "REST answered 502, so a resumed download (REST + RETR) is refused" },
    { topic: "appends", transfer: "\"APPE is not supported\"", source: TRANSFER_FILE_PAGE, rehearsal: "APPE answered 502" },
    { topic: "SITE", transfer: "SITE is not among its commands (no SITE CHMOD, SITE UTIME); chmod and chmtime are \"Not supported\" on S3", source: TRANSFER_FILE_PAGE, rehearsal: `every SITE command answered 502; lftp then stops sending SITE CHMOD (${LFTP}), so lftp mirror -R uploads without an error per file` },
    { topic: "listings", transfer: "LIST, NLST, STAT, MLSD and MLST are among its commands", source: TRANSFER_FILE_PAGE, rehearsal: "LIST, NLST and STAT as in the call table; MLSD, MLST (and LANG, MFMT) answered 502 \"not rehearsed\", and FEAT does not offer them: stricter than Transfer, never more lenient" },
    { topic: "other commands", transfer: "only the commands of its list: ABOR AUTH CDUP CWD DELE EPSV FEAT LANG LIST MDTM MFMT MKD MLSD MLST MODE NLST NOOP OPTS PASS PASV PBSZ PROT PWD QUIT RETR RMD RNFR RNTO SIZE STAT STOR STOU STRU SYST TYPE USER", source: TRANSFER_FILE_PAGE, rehearsal: "any other command (ALLO, HELP, …) answered 502 before the FTP server sees it" },
];

/** The README's fidelity table. */
export function fidelityTableMarkdown(): string {
    return ["| | Transfer Family (source) | the rehearsal |", "|---|---|---|",
        ...FIDELITY.map((r) => `| ${r.topic} | ${r.transfer} ([source](${r.source})) | ${r.rehearsal} |`)].join("\n");
}
