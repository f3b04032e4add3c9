// The mock cloud: see cloud.ts (what it answers), monitor.ts (served to Pulumi's runner) and
// in-process.ts (served to component tests through `pulumi.runtime.setMocks`).
export { MockCloud, MockCloudRefusal, MockCloudOptions, MockVpc, MockHostedZone, MockCertificate, dnsWorldAsDeclared, MODELLED_TYPES, RecordedResource, ResourceRequest, worldAsDeclared } from "./cloud";
export { revealSecrets } from "./wire";
