// Entry point for `pulumi up`: load and validate config, build the deployment, export its outputs.
import { loadSettings } from "./components/config/load";
import { deployOpenzro, stackOutputs } from "./components/program";

const outputs = stackOutputs(deployOpenzro(loadSettings()));

export const dashboardUrl = outputs.dashboardUrl;
export const managementEndpoint = outputs.managementEndpoint;
export const relayAddresses = outputs.relayAddresses;
export const controllerPrivateIps = outputs.controllerPrivateIps;
export const bastionAddress = outputs.bastionAddress;
export const ingressAddresses = outputs.ingressAddresses;
export const databaseEndpoint = outputs.databaseEndpoint;
// AWS only (undefined, so not exported, on GCP).
export const certificateArn = outputs.certificateArn;
// GCP only (undefined, so not exported, on AWS).
export const loadBalancerAddress = outputs.loadBalancerAddress;
export const certificateName = outputs.certificateName;
export const sshPrivateKey = outputs.sshPrivateKey;
export const openzroVersion = outputs.openzroVersion;
