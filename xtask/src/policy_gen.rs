//! Random IAM identity policies from a seed, for the differential test against parliament and the checker
//! benchmark, and a synthetic authorization-details export of a given size.
//!
//! The generator draws from what sellers' policies contain: exact `aws-marketplace` actions in any letter case,
//! wildcards over the prefix, other services' actions, `Allow` and `Deny`, `Resource` of `*` or ARNs, `NotResource`,
//! and conditions. It never writes `NotAction` when asked for parliament's corpus: parliament's
//! `get_allowed_actions` reads only `Action`, so it cannot answer for a `NotAction` statement. Its ARNs are not
//! `aws-marketplace` ARNs: for an action with resource types, the checker judges "may this ARN name one of the
//! service's resources" by service only, where parliament matches each resource type's ARN format (see README,
//! "Differential test against parliament").

use std::fmt::Write as _;

use marketplace_iam_model::catalog;
use marketplace_iam_policy::{Decision, PolicyFile, PolicySet};

/// xorshift64*: small, seeded, the same on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced: xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WILDCARDS: &[&str] = &[
    "*",
    "aws-marketplace:*",
    "aws-marketplace:Meter*",
    "aws-marketplace:*Usage",
    "aws-marketplace:Get*",
    "aws-marketplace:Describe*",
    "aws-marketplace:List*",
    "aws-marketplace:*Agreement*",
    "aws-marketplace:?eterUsage",
    "aws-marketplace:*Entitlement*",
    "aws-marketplace:Resolve????????",
    "AWS-Marketplace:batchmeterusage",
    "aws-marketplace:*ChangeSet",
];

const OTHER_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "ec2:DescribeInstances",
    "iam:PassRole",
    "sts:AssumeRole",
    "s3:*",
    "license-manager:CheckoutLicense",
];

const RESOURCES: &[&str] = &["*", "*", "*", "arn:aws:s3:::example-bucket/*"];

const NOT_RESOURCES: &[&str] = &["arn:aws:s3:::example-bucket/*"];

const CONDITIONS: &[&str] = &[
    r#"{"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c"}}"#,
    r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
    r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
];

/// What the generator may write.
#[derive(Clone, Copy)]
pub struct Options {
    /// Write `NotAction` statements too.
    pub not_action: bool,
    /// Write, in about one document in nine, what the checker's fast path hands over to its strict reader: a string
    /// escape, a condition value written as a JSON number, a `Principal`, or (one document in a thousand) a document
    /// larger than 64 KiB. Every such document is still a valid policy. Off for parliament's corpus.
    pub strict_shapes: bool,
}

/// What makes a document one that only the checker's strict reader reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unusual {
    /// Nothing: an ordinary document.
    None,
    /// A `Sid` written with a `\u` escape.
    Escape,
    /// A `Numeric…` condition whose value is a JSON number.
    Number,
    /// A `Principal` (IAM refuses it in identity policies; the checker reads it and warns).
    Principal,
    /// More than 64 KiB of statements.
    Large,
}

impl Unusual {
    fn draw(rng: &mut Rng, options: Options) -> Unusual {
        if !options.strict_shapes {
            return Unusual::None;
        }
        match rng.below(1000) {
            0 => Unusual::Large,
            1..=40 => Unusual::Escape,
            41..=80 => Unusual::Number,
            81..=110 => Unusual::Principal,
            _ => Unusual::None,
        }
    }
}

/// The size past which a document is [`Unusual::Large`].
const LARGE_BYTES: usize = 66 * 1024;

fn string_or_list(rng: &mut Rng, items: &[String]) -> String {
    if items.len() == 1 && rng.chance(50) {
        format!("{:?}", items[0])
    } else {
        let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    }
}

/// One policy document, as JSON text.
pub fn policy(rng: &mut Rng, options: Options) -> String {
    let unusual = Unusual::draw(rng, options);
    let catalog = catalog::all();
    let statements = 1 + rng.below(4);
    let mut out = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": ");
    let as_object = statements == 1 && rng.chance(30) && unusual != Unusual::Large;
    if !as_object {
        out.push('[');
    }
    let mut i = 0;
    while i < statements || (unusual == Unusual::Large && out.len() < LARGE_BYTES) {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n    {");
        if i == 0 && unusual == Unusual::Escape {
            out.push_str("\"Sid\": \"Escaped\\u0053id\", ");
        } else if rng.chance(40) {
            let _ = write!(out, "\"Sid\": \"S{i}\", ");
        }
        if i == 0 && unusual == Unusual::Principal {
            out.push_str("\"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, ");
        }
        let effect = if rng.chance(75) { "Allow" } else { "Deny" };
        let _ = write!(out, "\"Effect\": \"{effect}\", ");
        let n = 1 + rng.below(3);
        let actions: Vec<String> = (0..n)
            .map(|_| match rng.below(10) {
                0..=4 => {
                    let name = catalog[rng.below(catalog.len())].name;
                    if rng.chance(20) {
                        name.to_lowercase()
                    } else {
                        name.to_owned()
                    }
                }
                5..=7 => rng.pick(WILDCARDS).to_owned(),
                _ => rng.pick(OTHER_ACTIONS).to_owned(),
            })
            .collect();
        let key = if options.not_action && rng.chance(10) {
            "NotAction"
        } else {
            "Action"
        };
        let _ = write!(out, "\"{key}\": {}, ", string_or_list(rng, &actions));
        if rng.chance(8) {
            let r = vec![rng.pick(NOT_RESOURCES).to_owned()];
            let _ = write!(out, "\"NotResource\": {}", string_or_list(rng, &r));
        } else {
            let n = 1 + rng.below(2);
            let r: Vec<String> = (0..n).map(|_| rng.pick(RESOURCES).to_owned()).collect();
            let _ = write!(out, "\"Resource\": {}", string_or_list(rng, &r));
        }
        if i == 0 && unusual == Unusual::Number {
            out.push_str(
                ", \"Condition\": {\"NumericLessThan\": {\"aws:MultiFactorAuthAge\": 3600}}",
            );
        } else if rng.chance(15) {
            let _ = write!(out, ", \"Condition\": {}", rng.pick(CONDITIONS));
        }
        out.push('}');
        i += 1;
    }
    if !as_object {
        out.push_str("\n  ]");
    }
    out.push_str("\n}\n");
    out
}

/// The `aws-marketplace` actions of the catalog that a policy may allow (allowed, or allowed under a condition),
/// by our checker, in lower case.
pub fn allowed_actions(text: &str) -> Result<Vec<String>, String> {
    let file = PolicyFile::parse("generated.json", text).map_err(|e| e.to_string())?;
    let set = PolicySet::new(vec![file]);
    Ok(catalog::all()
        .iter()
        .filter(|a| {
            matches!(
                set.evaluate(a.name, None).decision,
                Decision::Allow | Decision::Conditional
            )
        })
        .map(|a| a.name.to_lowercase())
        .collect())
}

/// A synthetic `aws iam get-account-authorization-details` export of about `bytes` bytes: roles and users with
/// inline documents (JSON objects) and customer managed policies (URL-encoded, several versions), a few groups and
/// boundaries, in the shape the AWS CLI prints.
pub fn authorization_details(seed: u64, bytes: usize) -> String {
    let mut rng = Rng::new(seed);
    let options = Options {
        not_action: true,
        strict_shapes: false,
    };
    let encode = |s: &str| {
        let mut out = String::with_capacity(s.len() * 2);
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    };
    let indent = |doc: &str| doc.trim_end().replace('\n', "\n            ");
    let account = "123456789012";
    let managed_count = 200;
    let mut policies = String::new();
    for i in 0..managed_count {
        if i > 0 {
            policies.push_str(",\n");
        }
        let versions = 1 + rng.below(3);
        let mut list = String::new();
        for v in 1..=versions {
            if v > 1 {
                list.push_str(", ");
            }
            let doc = encode(&policy(&mut rng, options));
            let _ = write!(
                list,
                "{{\"Document\": \"{doc}\", \"VersionId\": \"v{v}\", \"IsDefaultVersion\": {}, \"CreateDate\": \"2024-01-01T00:00:00+00:00\"}}",
                v == versions
            );
        }
        let _ = write!(
            policies,
            "    {{\"PolicyName\": \"Managed{i}\", \"PolicyId\": \"ANPA{i:016}\", \"Arn\": \"arn:aws:iam::{account}:policy/Managed{i}\", \"Path\": \"/\", \"DefaultVersionId\": \"v{versions}\", \"AttachmentCount\": 1, \"PermissionsBoundaryUsageCount\": 0, \"IsAttachable\": true, \"CreateDate\": \"2024-01-01T00:00:00+00:00\", \"UpdateDate\": \"2024-01-01T00:00:00+00:00\", \"PolicyVersionList\": [{list}]}}"
        );
    }
    let groups = 20;
    let mut group_list = String::new();
    for g in 0..groups {
        if g > 0 {
            group_list.push_str(",\n");
        }
        let doc = indent(&policy(&mut rng, options));
        let _ = write!(
            group_list,
            "    {{\"Path\": \"/\", \"GroupName\": \"Group{g}\", \"GroupId\": \"AGPA{g:016}\", \"Arn\": \"arn:aws:iam::{account}:group/Group{g}\", \"CreateDate\": \"2024-01-01T00:00:00+00:00\", \"GroupPolicyList\": [{{\"PolicyName\": \"inline\", \"PolicyDocument\": {doc}}}], \"AttachedManagedPolicies\": [{{\"PolicyName\": \"Managed{g}\", \"PolicyArn\": \"arn:aws:iam::{account}:policy/Managed{g}\"}}]}}"
        );
    }
    let document = |users: &str, group_list: &str, roles: &str, policies: &str| {
        format!(
            "{{\n  \"UserDetailList\": [\n{users}\n  ],\n  \"GroupDetailList\": [\n{group_list}\n  ],\n  \"RoleDetailList\": [\n{roles}\n  ],\n  \"Policies\": [\n{policies}\n  ],\n  \"IsTruncated\": false\n}}\n"
        )
    };
    // The document's own text around the lists, and the separator before a second user or role.
    let fixed = document("", &group_list, "", &policies).len() + ",\n".len();
    let mut users = String::new();
    let mut roles = String::new();
    let mut n = 0usize;
    while fixed + users.len() + roles.len() < bytes {
        let inline: Vec<String> = (0..1 + rng.below(2))
            .map(|k| {
                format!(
                    "{{\"PolicyName\": \"inline{k}\", \"PolicyDocument\": {}}}",
                    indent(&policy(&mut rng, options))
                )
            })
            .collect();
        let attached: Vec<String> = (0..rng.below(3))
            .map(|_| {
                let m = rng.below(managed_count);
                format!("{{\"PolicyName\": \"Managed{m}\", \"PolicyArn\": \"arn:aws:iam::{account}:policy/Managed{m}\"}}")
            })
            .collect();
        let boundary = if rng.chance(10) {
            let m = rng.below(managed_count);
            format!(
                ", \"PermissionsBoundary\": {{\"PermissionsBoundaryType\": \"Policy\", \"PermissionsBoundaryArn\": \"arn:aws:iam::{account}:policy/Managed{m}\"}}"
            )
        } else {
            String::new()
        };
        if rng.chance(20) {
            if !users.is_empty() {
                users.push_str(",\n");
            }
            let group = rng.below(groups);
            let _ = write!(
                users,
                "    {{\"Path\": \"/\", \"UserName\": \"user{n}\", \"UserId\": \"AIDA{n:016}\", \"Arn\": \"arn:aws:iam::{account}:user/user{n}\", \"CreateDate\": \"2024-01-01T00:00:00+00:00\", \"UserPolicyList\": [{}], \"GroupList\": [\"Group{group}\"], \"AttachedManagedPolicies\": [{}]{boundary}, \"Tags\": []}}",
                inline.join(", "),
                attached.join(", ")
            );
        } else {
            if !roles.is_empty() {
                roles.push_str(",\n");
            }
            let trust = encode(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            );
            let _ = write!(
                roles,
                "    {{\"Path\": \"/\", \"RoleName\": \"role{n}\", \"RoleId\": \"AROA{n:016}\", \"Arn\": \"arn:aws:iam::{account}:role/role{n}\", \"CreateDate\": \"2024-01-01T00:00:00+00:00\", \"AssumeRolePolicyDocument\": \"{trust}\", \"InstanceProfileList\": [], \"RolePolicyList\": [{}], \"AttachedManagedPolicies\": [{}]{boundary}, \"Tags\": [{{\"Key\": \"team\", \"Value\": \"billing\"}}], \"RoleLastUsed\": {{}}}}",
                inline.join(", "),
                attached.join(", ")
            );
        }
        n += 1;
    }
    document(&users, &group_list, &roles, &policies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_policies_are_valid_and_varied() {
        let mut rng = Rng::new(7);
        let mut allowed_some = 0;
        let mut allowed_none = 0;
        for _ in 0..300 {
            let text = policy(
                &mut rng,
                Options {
                    not_action: true,
                    strict_shapes: false,
                },
            );
            let allowed = allowed_actions(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            if allowed.is_empty() {
                allowed_none += 1;
            } else {
                allowed_some += 1;
            }
        }
        assert!(
            allowed_some > 50 && allowed_none > 20,
            "{allowed_some} / {allowed_none}"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_policies() {
        let plain = Options {
            not_action: false,
            strict_shapes: false,
        };
        let a = policy(&mut Rng::new(3), plain);
        let b = policy(&mut Rng::new(3), plain);
        assert_eq!(a, b);
        assert!(!a.contains("NotAction"));
    }

    #[test]
    fn the_strict_shapes_are_valid_policies_of_each_kind() {
        let options = Options {
            not_action: true,
            strict_shapes: true,
        };
        let mut rng = Rng::new(1);
        let mut seen = Vec::new();
        for _ in 0..3000 {
            let before = rng.0;
            let unusual = Unusual::draw(&mut rng, options);
            rng.0 = before;
            let text = policy(&mut rng, options);
            allowed_actions(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            if unusual == Unusual::Large {
                assert!(text.len() > 64 * 1024, "{}", text.len());
            }
            if !seen.contains(&unusual) {
                seen.push(unusual);
            }
        }
        assert_eq!(seen.len(), 5, "{seen:?}");
    }

    #[test]
    fn the_export_has_the_size_asked() {
        let text = authorization_details(1, 1_000_000);
        assert!(
            text.len() >= 1_000_000 && text.len() < 1_050_000,
            "{}",
            text.len()
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(!value["RoleDetailList"].as_array().unwrap().is_empty());
        assert!(!value["UserDetailList"].as_array().unwrap().is_empty());
    }
}
