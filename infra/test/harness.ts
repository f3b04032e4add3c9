// Runs component code on a fresh mock cloud with a hub and a spoke provider.
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { MockCertificate, MockVpc } from "../../plan/mock-cloud";
import { InProcessCloud } from "../../plan/mock-cloud/in-process";

export const HUB_ACCOUNT = "111111111111";
export const SPOKE_ACCOUNT = "222222222222";
export const REGION = "ap-northeast-1";

export interface Accounts {
    hub: aws.Provider;
    spoke: aws.Provider;
    random: random.Provider;
}

export async function onMockCloud<T>(program: (accounts: Accounts) => T | Promise<T>, world: { vpcs?: Record<string, MockVpc>; certificates?: Record<string, MockCertificate> } = {}): Promise<{ cloud: InProcessCloud; result: T }> {
    const cloud = await InProcessCloud.install({ stack: "test", vpcs: world.vpcs, certificates: world.certificates });
    const accounts = {
        hub: new aws.Provider("hub", { region: REGION, allowedAccountIds: [HUB_ACCOUNT] }),
        spoke: new aws.Provider("spoke", { region: REGION, allowedAccountIds: [SPOKE_ACCOUNT] }),
        random: new random.Provider("random", {}),
    };
    const result = await program(accounts);
    await cloud.settled();
    return { cloud, result };
}

export function parsePolicy(value: unknown): { Statement: Record<string, unknown>[] } {
    return JSON.parse(String(value));
}
