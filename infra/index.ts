// The closed-ftp component library: no stack config is read here.
export * from "./closed-ftp-server";
export * from "./ftp-user";
export * from "./cross-account-bucket";
export * from "./isolated-vpc";
export * from "./monitoring";
export { dashboardBody, dashboardWidgets } from "./dashboard";
export * from "./model";
export * as policies from "./policies";
export * from "./test-client";
