// AWS resource type tokens the policies look at, in one place. The @pulumi/aws 7 classes behind them are only
// imported as types (never loaded at run time), so the pack starts fast and stays decoupled from the provider SDK.
export const T = {
    rdsInstance: "aws:rds/instance:Instance",
    rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    ec2Instance: "aws:ec2/instance:Instance",
    subnet: "aws:ec2/subnet:Subnet",
    eip: "aws:ec2/eip:Eip",
    eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    route53Record: "aws:route53/record:Record",
    commandRemote: "command:remote:Command",
    awsProvider: "pulumi:providers:aws",
} as const;

/** aws.lb.* and its alias module aws.alb.* register different tokens for the same resources. */
export const LB_TYPES = {
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
    targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    targetGroupAttachment: ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment"],
} as const;

export function isOneOf(type: string, tokens: readonly string[]): boolean {
    return tokens.includes(type);
}
