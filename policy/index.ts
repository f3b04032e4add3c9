// The policy pack `pulumi preview --policy-pack policy` loads; the policies live in ./policies.
import { PolicyPack } from "@pulumi/policy";
import { GUARDRAILS } from "./policies";

new PolicyPack("closed-ftp-guardrails", { policies: GUARDRAILS });
