"""Writes a CloudFormation template of N metering roles in the shapes sellers write, for bench/cloudformation.sh.

Usage: python3 bench/cloudformation_roles.py N OUT.yaml

Each role trusts another account with an external id (a parameter with a default), has an inline policy built
with Fn::Sub and a separate AWS::IAM::Policy attached to it with !Ref, one role in five a managed policy ARN
and one in ten a condition on a parameter; YAML with short tags.
"""

import sys


def main(count, path):
    out = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Parameters:",
        "  SaasAccount:",
        "    Type: String",
        '    Default: "111122223333"',
        "  ExternalId:",
        "    Type: String",
        "    Default: seller-42",
        "  Stage:",
        "    Type: String",
        "    Default: prod",
        "Conditions:",
        "  IsProd: !Equals [!Ref Stage, prod]",
        "Resources:",
    ]
    for i in range(count):
        condition = "    Condition: IsProd\n" if i % 10 == 0 else ""
        managed = (
            "      ManagedPolicyArns:\n"
            '        - !Sub "arn:${AWS::Partition}:iam::aws:policy/AWSMarketplaceMeteringFullAccess"\n'
            if i % 5 == 0
            else ""
        )
        out.append(
            f"""  MeteringRole{i}:
    Type: AWS::IAM::Role
{condition}    Properties:
      RoleName: !Sub "metering-${{Stage}}-{i}"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${{AWS::Partition}}:iam::${{SaasAccount}}:root"
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
{managed}      Policies:
        - PolicyName: metering
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - aws-marketplace:ResolveCustomer
                  - aws-marketplace:BatchMeterUsage
                Resource: "*"
  Entitlements{i}:
    Type: AWS::IAM::Policy
{condition}    Properties:
      PolicyName: !Sub "entitlements-{i}"
      Roles: [!Ref MeteringRole{i}]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: aws-marketplace:GetEntitlements
            Resource: "*"
"""
        )
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
