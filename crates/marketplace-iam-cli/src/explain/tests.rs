//! Every format `docs/explain-formats.md` lists, with the fields it must yield: AWS's examples as the pages print
//! them (typos included), messages seen in the wild, and the few constructed ones, marked so.

use super::parse::{Layer, NotUnderstood, PrincipalKind, parse};

/// One message and what it must yield.
struct Case {
    /// Where the message is from (`docs/explain-formats.md` gives the URL).
    source: &'static str,
    message: &'static str,
    principal: Option<(&'static str, PrincipalKind, Option<&'static str>)>,
    action: &'static str,
    resource: Option<&'static str>,
    /// Layer and explicit; `None` for the short form.
    reason: Option<(Layer, bool)>,
    policy_arn: Option<&'static str>,
    error_code: Option<&'static str>,
    operation: Option<&'static str>,
}

const IAM_GUIDE: &str = "AWS's example, IAM User Guide, Troubleshoot access denied error messages";

/// The defaults of a case: AWS's IAM User Guide's `John` in 123456789012.
const JOHN: Option<(&str, PrincipalKind, Option<&str>)> = Some((
    "arn:aws:iam::123456789012:user/John",
    PrincipalKind::User,
    Some("123456789012"),
));
const JOHN_777: Option<(&str, PrincipalKind, Option<&str>)> = Some((
    "arn:aws:iam::777788889999:user/John",
    PrincipalKind::User,
    Some("777788889999"),
));

fn case(source: &'static str, message: &'static str, action: &'static str) -> Case {
    Case {
        source,
        message,
        principal: JOHN,
        action,
        resource: None,
        reason: None,
        policy_arn: None,
        error_code: None,
        operation: None,
    }
}

impl Case {
    fn principal(
        mut self,
        arn: &'static str,
        kind: PrincipalKind,
        account: Option<&'static str>,
    ) -> Self {
        self.principal = Some((arn, kind, account));
        self
    }
    fn no_principal(mut self) -> Self {
        self.principal = None;
        self
    }
    fn john_777(mut self) -> Self {
        self.principal = JOHN_777;
        self
    }
    fn resource(mut self, r: &'static str) -> Self {
        self.resource = Some(r);
        self
    }
    fn implicit(mut self, layer: Layer) -> Self {
        self.reason = Some((layer, false));
        self
    }
    fn explicit(mut self, layer: Layer) -> Self {
        self.reason = Some((layer, true));
        self
    }
    fn policy(mut self, arn: &'static str) -> Self {
        self.policy_arn = Some(arn);
        self
    }
    fn wrapped(mut self, code: &'static str, operation: Option<&'static str>) -> Self {
        self.error_code = Some(code);
        self.operation = operation;
        self
    }
}

fn cases() -> Vec<Case> {
    use Layer::*;
    vec![
        case(IAM_GUIDE, "User: arn:aws:iam::777788889999:user/John is not authorized to perform:\ncodecommit:ListRepositories because no service control policy allows the codecommit:ListRespositories action", "codecommit:ListRepositories")
            .john_777().implicit(ServiceControlPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::777788889999:user/John is not authorized to perform:\ncodecommit:ListRepositories with an explicit deny in a service control policy", "codecommit:ListRepositories")
            .john_777().explicit(ServiceControlPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\nsecretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource control policy", "secretsmanager:GetSecretValue")
            .resource("arn:aws:secretsmanager:us-east-1:123456789012:secret:*").explicit(ResourceControlPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\ncodecommit:ListRepositories because no VPC endpoint policy allows the codecommit:ListRepositories action", "codecommit:ListRepositories")
            .implicit(VpcEndpointPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a VPC endpoint policy", "codedeploy:ListDeployments")
            .resource("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*").explicit(VpcEndpointPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action", "codedeploy:ListDeployments")
            .resource("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*").implicit(PermissionsBoundary),
        case(IAM_GUIDE, "User: arn:aws:iam::777788889999:user/John is not authorized to perform:\nsagemaker:ListModels with an explicit deny in a permissions boundary", "sagemaker:ListModels")
            .john_777().explicit(PermissionsBoundary),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\ncodecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action", "codecommit:ListRepositories")
            .implicit(SessionPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a sessions policy", "codedeploy:ListDeployments")
            .resource("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*").explicit(SessionPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\nsecretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action", "secretsmanager:GetSecretValue")
            .implicit(ResourceBasedPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\nsecretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource-based policy", "secretsmanager:GetSecretValue")
            .resource("arn:aws:secretsmanager:us-east-1:123456789012:secret:*").explicit(ResourceBasedPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/John is not authorized to perform:\nsts:AssumeRole because no role trust policy allows the sts:AssumeRole action", "sts:AssumeRole")
            .implicit(RoleTrustPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::777788889999:user/John is not authorized to perform:\nsts:AssumeRole with an explicit deny in the role trust policy", "sts:AssumeRole")
            .john_777().explicit(RoleTrustPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:role/HR is not authorized to perform:\ncodecommit:ListRepositories because no identity-based policy allows the codecommit:ListRepositories action", "codecommit:ListRepositories")
            .principal("arn:aws:iam::123456789012:role/HR", PrincipalKind::Role, Some("123456789012")).implicit(IdentityBasedPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:role/HR is not authorized to perform:\ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy", "codedeploy:ListDeployments")
            .principal("arn:aws:iam::123456789012:role/HR", PrincipalKind::Role, Some("123456789012"))
            .resource("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*").explicit(IdentityBasedPolicy),
        case(IAM_GUIDE, "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: widgets:GetWidget on resource: my-example-widget", "widgets:GetWidget")
            .principal("arn:aws:iam::123456789012:user/mateojackson", PrincipalKind::User, Some("123456789012")).resource("my-example-widget"),
        case("AWS's example, AWS Security Blog, Enhanced access denied error messages with policy ARNs",
            "An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:iam::123456789012:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd", "iam:ListRoles")
            .principal("arn:aws:iam::123456789012:user/Matt", PrincipalKind::User, Some("123456789012"))
            .resource("arn:aws:iam::123456789012:role/*").explicit(ServiceControlPolicy)
            .policy("arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd")
            .wrapped("AccessDenied", Some("ListRoles")),
        case("AWS's example, IAM User Guide, Troubleshoot access denied error messages with authorization ID",
            "User: arn:aws:iam::123456789012:user/janedoe is not authorized to perform: iam:CreateInstanceProfile\non resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile\nwith an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy.\nGo to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e6f7g8h9i0j for complete details,\nor call the GetRequestAuthorizationDetails API with the following authorization id: EXAMPLE1a2b3c4d5e6f7g8h9i0j", "iam:CreateInstanceProfile")
            .principal("arn:aws:iam::123456789012:user/janedoe", PrincipalKind::User, Some("123456789012"))
            .resource("arn:aws:iam::123456789012:instance-profile/my-instance-profile").explicit(IdentityBasedPolicy)
            .policy("arn:aws:iam::123456789012:policy/ExampleDenyPolicy"),
        case("seen: Aviatrix documentation (code index)",
            "Unable to send Metering record: An error occurred (AccessDeniedException) when calling the MeterUsage operation: User: arn:aws:sts::094123412341:assumed-role/aws-elasticbeanstalk-ec2-role/i-07abb25asdfasdf8 is not authorized to perform: aws-marketplace:MeterUsage", "aws-marketplace:MeterUsage")
            .principal("arn:aws:sts::094123412341:assumed-role/aws-elasticbeanstalk-ec2-role/i-07abb25asdfasdf8", PrincipalKind::AssumedRole, Some("094123412341"))
            .wrapped("AccessDeniedException", Some("MeterUsage")),
        case("seen: Kpow AWS Marketplace documentation (code index), AWS SDK for Java 2.x",
            "software.amazon.awssdk.services.licensemanager.model.AuthorizationException: User: arn:aws:sts::489728315157:assumed-role/eksctl-awsmp-kpow-example-nodegro-NodeInstanceRole-RF0DW6JPCQ07/i-0dd68413a10f85f5c is not authorized to perform: license-manager:CheckoutLicense because no identity-based policy allows the license-manager:CheckoutLicense action (Service: LicenseManager, Status Code: 400, Request ID: c2546bfe-6a8e-4d0f-a635-36d07ddacad2)", "license-manager:CheckoutLicense")
            .principal("arn:aws:sts::489728315157:assumed-role/eksctl-awsmp-kpow-example-nodegro-NodeInstanceRole-RF0DW6JPCQ07/i-0dd68413a10f85f5c", PrincipalKind::AssumedRole, Some("489728315157"))
            .implicit(IdentityBasedPolicy).wrapped("AuthorizationException", None),
        case("seen: STRM Privacy documentation (code index), AWS SDK for Java 2.x (account redacted there)",
            "User: arn:aws:sts::<account_id>:assumed-role/... is not authorized to perform: aws-marketplace:RegisterUsage because\n  no identity-based policy allows the aws-marketplace:RegisterUsage action (Service: MarketplaceMetering,\n  Status Code: 400, Request ID: <uuid>)", "aws-marketplace:RegisterUsage")
            .principal("arn:aws:sts::<account_id>:assumed-role/...", PrincipalKind::AssumedRole, None)
            .implicit(IdentityBasedPolicy),
        case("seen: AWS EMR documentation (code index), AWS SDK for Java 1.x",
            "Exception in thread \"main\" com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: User: arn:aws:sts::XXXXXXXXXXXX:assumed-role/EMR_EC2_DefaultRole/i-XXXXXXXXXXXXXXX is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::XXXXXXXXXXXX:role/*RangerPluginDataAccessRole* (Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX; Proxy: null)", "sts:AssumeRole")
            .principal("arn:aws:sts::XXXXXXXXXXXX:assumed-role/EMR_EC2_DefaultRole/i-XXXXXXXXXXXXXXX", PrincipalKind::AssumedRole, None)
            .resource("arn:aws:iam::XXXXXXXXXXXX:role/*RangerPluginDataAccessRole*")
            .wrapped("AccessDenied", None),
        case("seen: OpenShift ROSA log (code index), AWS SDK for Go v2",
            "failed to assume role: operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 1b7dd71e-90eb-4308-b7cb-fa20606a21b6, api error AccessDenied: User: arn:aws:sts::644306948063:assumed-role/RH-Managed-OpenShift-Installer/OCM is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::301721915996:role/test/xue/xueli-Installer-Role", "sts:AssumeRole")
            .principal("arn:aws:sts::644306948063:assumed-role/RH-Managed-OpenShift-Installer/OCM", PrincipalKind::AssumedRole, Some("644306948063"))
            .resource("arn:aws:iam::301721915996:role/test/xue/xueli-Installer-Role")
            .wrapped("AccessDenied", Some("AssumeRole")),
        case("seen: a Terraform issue (code index): Terraform's margin, and AWS's missing space",
            "│ Error: creating WAFv2 WebACL Association: operation error WAFV2: AssociateWebACL, https response error StatusCode: 400, RequestID: abc, api error AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/customer-role/aws-go-sdk-1 is not authorized to perform: wafv2:AssociateWebACL on resource: arn:aws:wafv2:us-east-1:444455556666:regional/webacl/test_waf/x because noresource-based policy allows the wafv2:AssociateWebACL action\n│\n│   with aws_wafv2_web_acl_association.this,", "wafv2:AssociateWebACL")
            .principal("arn:aws:sts::111122223333:assumed-role/customer-role/aws-go-sdk-1", PrincipalKind::AssumedRole, Some("111122223333"))
            .resource("arn:aws:wafv2:us-east-1:444455556666:regional/webacl/test_waf/x").implicit(ResourceBasedPolicy)
            .wrapped("AccessDeniedException", Some("AssociateWebACL")),
        case("seen: S3 policies README (code index): `on this resource`",
            "An error occurred (AccessDenied) when calling the PutObject operation:\nUser: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde\nis not authorized to perform: kms:GenerateDataKey\non this resource\nbecause no identity-based policy allows the kms:GenerateDataKey action", "kms:GenerateDataKey")
            .principal("arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde", PrincipalKind::AssumedRole, Some("112233445566"))
            .implicit(IdentityBasedPolicy).wrapped("AccessDenied", Some("PutObject")),
        case("seen: S3 (code index): the resource in quotes",
            "An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::test-intelligent-tiering-class-only/standard.txt\" with an explicit deny in a resource control policy", "s3:PutObject")
            .principal("arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde", PrincipalKind::AssumedRole, Some("112233445566"))
            .resource("arn:aws:s3:::test-intelligent-tiering-class-only/standard.txt").explicit(ResourceControlPolicy)
            .wrapped("AccessDenied", Some("PutObject")),
        case("seen: an EC2 message with the encoded message after the reason (code index)",
            "User: arn:aws:iam::548387266019:user/ccsad-g04 is not authorized to perform: ec2:CreateSecurityGroup on resource: arn:aws:ec2:ap-southeast-1:548387266019:vpc/vpc-02b29ff02cd658307 because no identity-based policy allows the ec2:CreateSecurityGroup action. Encoded authorization failure message: OIH6QTbpor6EoyZHdzm4D6U3O", "ec2:CreateSecurityGroup")
            .principal("arn:aws:iam::548387266019:user/ccsad-g04", PrincipalKind::User, Some("548387266019"))
            .resource("arn:aws:ec2:ap-southeast-1:548387266019:vpc/vpc-02b29ff02cd658307").implicit(IdentityBasedPolicy),
        case("seen: GitHub Actions and STS (code index): the web-identity denial names no principal",
            "Error: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity")
            .no_principal(),
        case("constructed from the IAM User Guide's template: a session policy, for MeterUsage",
            "User: arn:aws:sts::111122223333:assumed-role/MeteringRole/i-0abcdef1234567890 is not authorized to perform: aws-marketplace:MeterUsage because no session policy allows the aws-marketplace:MeterUsage action", "aws-marketplace:MeterUsage")
            .principal("arn:aws:sts::111122223333:assumed-role/MeteringRole/i-0abcdef1234567890", PrincipalKind::AssumedRole, Some("111122223333"))
            .implicit(SessionPolicy),
        case("constructed from the IAM User Guide's template: a permissions boundary with its ARN, for GetEntitlements",
            "An error occurred (AccessDeniedException) when calling the GetEntitlements operation: User: arn:aws:sts::111122223333:assumed-role/SaasRole/app is not authorized to perform: aws-marketplace:GetEntitlements with an explicit deny in a permissions boundary: arn:aws:iam::111122223333:policy/MeteringBoundary", "aws-marketplace:GetEntitlements")
            .principal("arn:aws:sts::111122223333:assumed-role/SaasRole/app", PrincipalKind::AssumedRole, Some("111122223333"))
            .explicit(PermissionsBoundary).policy("arn:aws:iam::111122223333:policy/MeteringBoundary")
            .wrapped("AccessDeniedException", Some("GetEntitlements")),
        case("constructed: the root user, in the China partition",
            "User: arn:aws-cn:iam::111122223333:root is not authorized to perform: aws-marketplace:ResolveCustomer with an explicit deny in a service control policy", "aws-marketplace:ResolveCustomer")
            .principal("arn:aws-cn:iam::111122223333:root", PrincipalKind::Root, Some("111122223333"))
            .explicit(ServiceControlPolicy),
        case("constructed: a federated user",
            "User: arn:aws:sts::111122223333:federated-user/Bob is not authorized to perform: aws-marketplace:BatchMeterUsage because no identity-based policy allows the aws-marketplace:BatchMeterUsage action", "aws-marketplace:BatchMeterUsage")
            .principal("arn:aws:sts::111122223333:federated-user/Bob", PrincipalKind::FederatedUser, Some("111122223333"))
            .implicit(IdentityBasedPolicy),
    ]
}

#[test]
fn every_documented_format_yields_its_fields() {
    for c in cases() {
        let d = parse(c.message).unwrap_or_else(|e| panic!("{}: {e:?}\n{}", c.source, c.message));
        let what = format!("{}:\n{}", c.source, c.message);
        assert_eq!(d.action, c.action, "{what}");
        assert_eq!(d.resource.as_deref(), c.resource, "{what}");
        match (c.principal, &d.principal) {
            (Some((arn, kind, account)), Some(p)) => {
                assert_eq!(p.arn, arn, "{what}");
                assert_eq!(p.kind, kind, "{what}");
                assert_eq!(p.account.as_deref(), account, "{what}");
            }
            (None, None) => {}
            (expected, got) => panic!("{what}\nprincipal: expected {expected:?}, got {got:?}"),
        }
        assert_eq!(
            d.reason.as_ref().map(|r| (r.layer, r.explicit)),
            c.reason,
            "{what}"
        );
        assert_eq!(
            d.reason.as_ref().and_then(|r| r.policy_arn.as_deref()),
            c.policy_arn,
            "{what}"
        );
        let wrapper = d.wrapper.clone().unwrap_or_default();
        assert_eq!(wrapper.error_code.as_deref(), c.error_code, "{what}");
        assert_eq!(wrapper.operation.as_deref(), c.operation, "{what}");
    }
}

#[test]
fn the_details_of_some_formats() {
    let d = parse(cases()[17].message).unwrap();
    assert_eq!(
        d.authorization_id.as_deref(),
        Some("EXAMPLE1a2b3c4d5e6f7g8h9i0j")
    );

    // AWS's own example names `ListRespositories` in the reason: noted, the first name kept.
    let d = parse(cases()[0].message).unwrap();
    assert!(
        d.notes[0].contains("codecommit:ListRespositories"),
        "{:?}",
        d.notes
    );

    let d = parse("User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to perform:\nSNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2\nwith an explicit deny in a VPC endpoint policy transitively through a service control policy").unwrap();
    let r = d.reason.unwrap();
    assert_eq!(
        (r.layer, r.explicit, r.through),
        (
            Layer::VpcEndpointPolicy,
            true,
            Some(Layer::ServiceControlPolicy)
        )
    );
    assert_eq!(d.action, "SNS:Publish");
    let p = d.principal.unwrap();
    assert_eq!(
        (p.name.as_deref(), p.session.as_deref()),
        (Some("role-name"), Some("role-session-name"))
    );

    let d = parse(cases()[24].message).unwrap();
    assert!(
        d.notes.iter().any(|n| n.contains("on this resource")),
        "{:?}",
        d.notes
    );
    let d = parse(cases()[26].message).unwrap();
    assert!(d.encoded_message);
    let two = format!("{}\n{}", cases()[0].message, cases()[1].message);
    let d = parse(&two).unwrap();
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("1 more denial after this one")),
        "{:?}",
        d.notes
    );
    let d = parse(cases()[20].message).unwrap();
    assert_eq!(
        d.wrapper.unwrap().service.as_deref(),
        Some("MarketplaceMetering")
    );
}

/// The error for `message`: (line, column) of where reading stopped, computed as the command does, and the text.
fn refused(message: &str) -> (NotUnderstood, String) {
    let e = parse(message).expect_err(message);
    let at = e.offset.min(message.len());
    (e.clone(), message[..at].to_owned())
}

#[test]
fn text_that_is_not_an_access_denied_message_is_refused_where_reading_stopped() {
    let (e, before) = refused(
        "User: arn:aws:iam::111122223333:user/x is not authorized to perform: aws-marketplace:MeterUsage because of the moon",
    );
    assert!(
        e.problem
            .contains("`because of the moon` is no reason AWS documents"),
        "{}",
        e.problem
    );
    assert!(before.ends_with("MeterUsage "), "{before:?}");
    assert_eq!(
        e.understood,
        [
            "principal `arn:aws:iam::111122223333:user/x`",
            "action `aws-marketplace:MeterUsage`"
        ]
    );

    let (e, _) = refused(
        "User: arn:aws:iam::111122223333:user/x is not authorized to perform: aws-marketplace:MeterUsage with an explicit deny in a moon policy",
    );
    assert!(
        e.problem.contains("names no policy type AWS documents"),
        "{}",
        e.problem
    );

    let (e, before) = refused("User: x is not authorized to perform: the dishes");
    assert!(
        e.problem.contains("`the` is not an IAM action"),
        "{}",
        e.problem
    );
    assert!(before.ends_with("perform: "), "{before:?}");

    let (e, _) = refused("User: x is not authorized to perform:");
    assert!(
        e.problem.contains("ends before the action"),
        "{}",
        e.problem
    );

    for (text, expected) in [
        ("", "empty"),
        ("   \n\t ", "empty"),
        (
            "The security token included in the request is expired",
            "not an AccessDenied message",
        ),
        (
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
            "names no principal or action",
        ),
        (
            "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: 4Ai9qvVQ",
            "decode-authorization-message",
        ),
    ] {
        let (e, _) = refused(text);
        assert!(e.problem.contains(expected), "{text:?}: {}", e.problem);
    }
}

#[test]
fn odd_input_never_panics() {
    let huge =
        "User: arn:aws:iam::111122223333:user/x is not authorized to perform: a:B ".repeat(20_000);
    let _ = parse(&huge);
    let nested = "is not authorized to perform ".repeat(10_000);
    let _ = parse(&nested);
    for text in [
        "User: ünïcödé is not authorized to perform: aws-marketplace:MeterUsage because no ünïcödé policy",
        "User: 用户 is not authorized to perform: 行动:行动",
        "User:is not authorized to perform:a:b on resource:",
        "is not authorized to perform",
        "│",
        "│\n│ User: │ is not authorized to perform: a:b with an explicit deny in a",
        "User: arn:aws:iam::111122223333:user/x is not authorized to perform: a:b with an explicit deny in a service control policy: ",
        "\u{0}\u{1}User: \u{7f} is not authorized to perform: a:b because no",
    ] {
        let _ = parse(text);
    }
    let d =
        parse("User: ünïcödé is not authorized to perform: aws-marketplace:MeterUsage").unwrap();
    assert_eq!(d.principal.unwrap().kind, PrincipalKind::NotAnArn);
}
