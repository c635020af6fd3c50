//! Deployable roles and SaaS notification stacks as CloudFormation templates and Terraform configurations (feature
//! `iac`).
//!
//! A [`Deployment`] is one published policy document on one target that serves its product: a role whose trust
//! policy is the target's and whose permissions are the document's, plus an instance profile where the target uses
//! one. A [`Stack`] is one notification route of a SaaS product on one of the route's targets: the notification
//! queue, its queue policy, the subscriptions or the rule, and the consumer role. The renderers embed the policies
//! exactly as [`Document::json`](crate::Document::json), [`Trust::render`](crate::Trust::render) and the route's
//! documents ([`NotificationRoute`](crate::NotificationRoute)) write them, so the templates cannot drift from the
//! published JSON.
//!
//! Templates are written by the engine's one JSON writer, with two-space indentation and their keys sorted.
//!
//! In a template the account the role is created in comes from the deployment itself (CloudFormation's
//! `AWS::AccountId`, Terraform's `aws_caller_identity`); every other [`Parameter`](crate::Parameter) is a validated input, and so is the
//! optional [`PermissionsBoundary`](crate::PermissionsBoundary).
//!
//! # Partitions
//!
//! The templates deploy in every AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...). policies.toml and the published
//! JSON documents write ARNs of the `aws` partition (`arn:aws:license-manager::*:license:*`); a template writes each
//! of them for the partition it is deployed in: CloudFormation with the `AWS::Partition` pseudo parameter
//! (`{"Fn::Sub": "arn:${AWS::Partition}:..."}`), Terraform with the `aws_partition` data source
//! (`arn:${data.aws_partition.current.partition}:...`). Parameters that take ARNs accept every partition
//! (`^arn:aws[a-z-]*:`).
//!
//! Service principals keep the `amazonaws.com` domain in every partition: they are not endpoints, and
//! `AWS::URLSuffix` / `dns_suffix` (`amazonaws.com.cn` in China) would name principals IAM does not know. AWS CDK
//! documents that, with its `@aws-cdk/aws-iam:standardizedServicePrincipals` flag, a service principal "is assumed to
//! be of the form SERVICE.amazonaws.com. That value will always be returned, unless the given region is an opt-in
//! region and the service principal is rendered in a stack in a different region"
//! (<https://docs.aws.amazon.com/cdk/api/latest/python/aws_cdk.aws_iam/ServicePrincipal.html>); the AWS provider's
//! `aws_service_principal` data source says principal names "should always end in the standard global format:
//! {servicename}.amazonaws.com. However, in some AWS partitions, AWS may expect a different format" (its
//! documentation, as mirrored at <https://www.pulumi.com/registry/packages/aws/api-docs/getserviceprincipal>: the
//! ISO partitions, which these templates do not target); and `ecs-tasks.amazonaws.com.cn` is refused in China while
//! `ecs-tasks.amazonaws.com` works (terraform-aws-modules/terraform-aws-ecs#124 and #125, tested in AWS China). CDK
//! dropped its China-specific principals (`*.amazonaws.com.cn`) for the standard ones in aws/aws-cdk#3491; an older
//! report of `ec2.amazonaws.com` refused in cn-north-1 (kubernetes/kops#27, 2016) predates that. No page found
//! names another principal in another partition for `ec2`, `ecs-tasks`, `bedrock-agentcore` or
//! `openid-license-manager`, nor another IRSA audience than `sts.amazonaws.com`, so they stay as AWS documents them.

mod role;
mod stack;
mod stack_terraform;
mod template;

pub use role::{
    Deployment, cloudformation, cloudformation_with_defaults, terraform, terraform_with_defaults,
};
pub use stack::{Stack, stack_cloudformation};
pub use stack_terraform::stack_terraform;
pub use template::Defaults;
