// EC2 hosts: credentials from the instance metadata service only through IMDSv2 session tokens (blocks SSRF
// token theft), every volume encrypted, and controllers unreachable from the internet except through the load
// balancer and the bastion.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { InstanceArgs } from "@pulumi/aws/ec2/instance";
import { hostsWithRole } from "./lib/roles";
import { StackIndex } from "./lib/stack";
import { T } from "./lib/types-aws";

type Ec2Props = Unwrap<InstanceArgs>;

export const ec2Imdsv2Required: ResourceValidationPolicy = {
    name: "ec2-imdsv2-required",
    description: "Instances require IMDSv2 session tokens (metadataOptions.httpTokens = required).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== T.ec2Instance) {
            return;
        }
        const md = (args.props as Ec2Props).metadataOptions;
        if (md?.httpEndpoint === "disabled") {
            return; // no metadata service at all is stricter still
        }
        if (md?.httpTokens !== "required") {
            reportViolation(`metadataOptions.httpTokens is ${JSON.stringify(md?.httpTokens)}; set it to "required".`);
        }
    },
};

export const ec2VolumesEncrypted: ResourceValidationPolicy = {
    name: "ec2-volumes-encrypted",
    description: "Root and additional EBS volumes of every instance are encrypted.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== T.ec2Instance) {
            return;
        }
        const props = args.props as Ec2Props;
        // Account-level "encryption by default" is invisible here, so the program states it explicitly.
        if (props.rootBlockDevice?.encrypted !== true) {
            reportViolation(`rootBlockDevice.encrypted is ${String(props.rootBlockDevice?.encrypted)}; set it to true.`);
        }
        for (const [i, d] of (props.ebsBlockDevices ?? []).entries()) {
            if (d.encrypted !== true) {
                reportViolation(`ebsBlockDevices[${i}] (${d.deviceName}) is not encrypted; set encrypted: true.`);
            }
        }
    },
};

export const controllerNoPublicIp: StackValidationPolicy = {
    name: "controller-no-public-ip",
    description: "Controllers get no public address: no associatePublicIpAddress, no auto-assigning subnet, no Elastic IP.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const subnets = stack.ofType(T.subnet);
        const controllers = hostsWithRole(args.resources, "controller");
        for (const c of controllers) {
            if (c.props.associatePublicIpAddress === true) {
                reportViolation(`${c.name}: associatePublicIpAddress is true; controllers sit in private subnets.`, c.urn);
            }
            const subnet = stack.resolveOne(c, "subnetId", c.props.subnetId, subnets);
            if (subnet?.props.mapPublicIpOnLaunch === true) {
                reportViolation(`${c.name}: subnet ${subnet.name} assigns public IPs on launch; place controllers in a private subnet.`, c.urn);
            }
        }
        for (const eip of stack.ofType(T.eip)) {
            const target = stack.resolveOne(eip, "instance", eip.props.instance, controllers);
            if (target) {
                reportViolation(`${eip.name}: Elastic IP attached to controller ${target.name}.`, eip.urn);
            }
        }
        for (const assoc of stack.ofType(T.eipAssociation)) {
            const target = stack.resolveOne(assoc, "instanceId", assoc.props.instanceId, controllers);
            if (target) {
                reportViolation(`${assoc.name}: Elastic IP associated with controller ${target.name}.`, assoc.urn);
            }
        }
    },
};

export const instancePolicies = [ec2Imdsv2Required, ec2VolumesEncrypted, controllerNoPublicIp];
