// The smoke test's library: outputs contract, identity-provider verdicts, FTP round trip and the core run.
export { MAX_TIMEOUT_SECONDS, parseSmokeFlags, SmokeFlagError, SmokeFlags, USAGE } from "./flags";
export { Access, ftpRoundTrip, FtpLogin, FtpProbe, FtpRoundTripResult, FtpStep, FtpTarget, isRefusal, newProbe, StepObserver } from "./ftp";
export {
    ExpectedLogin, IdentityProviderAnswer, IdentityProviderRequest, IdentityProviderTester, ipInCidrs, judgeLogin, judgeWrongPassword,
    Protocol, sourceIpFor, TimeoutError, transferIdentityProvider, Verdict,
} from "./identity";
export {
    BucketOutput, ftpHostOf, OutputIssue, OutputsError, parseStackOutputs, PulumiCli, readOutputsFile, readStackOutputs, SmokeOutputs, TRANSFER_USER_NAME, UserOutput,
} from "./outputs";
export { CheckResult, redactor, runSmoke, selectUsers, SmokeDeps, SmokeInputError, SmokeOptions, SmokeReport, UserResult } from "./run";
export { assumedRoleCredentials, HubRole, hubAccountProblem, hubRoleFor, hubRolesOf, StackHub, STSClient } from "./credentials";
