//! Rendering the JSON the engine publishes: each product's and pricing model's identity policy, and each
//! deployment target's trust policy.

use crate::model::{Document, Trust};

/// Renders the identity policy that allows exactly `actions` on `"*"`.
///
/// The output is canonical and byte-stable: keys in the order `Version`, `Statement`, then `Effect`, `Action`,
/// `Resource`; four-space indentation; one action per line in the order given; a trailing newline. The same
/// input always gives the same bytes, so the published files and the constants baked into seller services can be
/// compared byte for byte.
///
/// `Resource` is `"*"` because the metering and entitlement actions have no resource types: a statement that
/// names an ARN does not grant them.
///
/// # Examples
///
/// ```
/// let json = marketplace_iam_model::render_policy(&["aws-marketplace:MeterUsage"]);
/// assert_eq!(json, r#"{
///     "Version": "2012-10-17",
///     "Statement": [
///         {
///             "Effect": "Allow",
///             "Action": [
///                 "aws-marketplace:MeterUsage"
///             ],
///             "Resource": "*"
///         }
///     ]
/// }
/// "#);
/// ```
pub fn render_policy(actions: &[&str]) -> String {
    let mut out = String::with_capacity(160 + actions.iter().map(|a| a.len() + 20).sum::<usize>());
    out.push_str("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n");
    out.push_str("            \"Effect\": \"Allow\",\n            \"Action\": [");
    for (i, action) in actions.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("                ");
        push_json_string(&mut out, action);
    }
    out.push_str(if actions.is_empty() {
        "],\n"
    } else {
        "\n            ],\n"
    });
    out.push_str("            \"Resource\": \"*\"\n        }\n    ]\n}\n");
    out
}

impl Document<'_> {
    /// The canonical IAM policy JSON (see [`render_policy`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let ami = policies.documents().into_iter().find(|d| d.file_name() == "ami.json").unwrap();
    /// assert!(ami.json().contains("\"aws-marketplace:MeterUsage\""));
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn json(&self) -> String {
        let names: Vec<&str> = self.actions().map(|a| a.name.as_str()).collect();
        render_policy(&names)
    }
}

impl Trust {
    /// The canonical trust policy JSON, placeholders kept (`${AccountId}`); byte-stable like
    /// [`render_policy`].
    pub fn render(&self) -> String {
        let mut out =
            String::from("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n");
        out.push_str(
            "            \"Effect\": \"Allow\",\n            \"Principal\": {\n                ",
        );
        push_json_string(&mut out, self.principal_kind.key());
        out.push_str(": ");
        push_json_string(&mut out, &self.principal);
        out.push_str("\n            },\n            \"Action\": ");
        push_json_string(&mut out, &self.action);
        if !self.conditions.is_empty() {
            out.push_str(",\n            \"Condition\": {");
            let mut operators: Vec<&str> = Vec::new();
            for c in &self.conditions {
                if !operators.contains(&c.operator.as_str()) {
                    operators.push(&c.operator);
                }
            }
            for (i, op) in operators.iter().enumerate() {
                out.push_str(if i == 0 {
                    "\n                "
                } else {
                    ",\n                "
                });
                push_json_string(&mut out, op);
                out.push_str(": {");
                for (j, c) in self
                    .conditions
                    .iter()
                    .filter(|c| c.operator == *op)
                    .enumerate()
                {
                    out.push_str(if j == 0 {
                        "\n                    "
                    } else {
                        ",\n                    "
                    });
                    push_json_string(&mut out, &c.key);
                    out.push_str(": ");
                    push_json_string(&mut out, &c.value);
                }
                out.push_str("\n                }");
            }
            out.push_str("\n            }");
        }
        out.push_str("\n        }\n    ]\n}\n");
        out
    }
}

/// Appends `s` as a JSON string literal (RFC 8259 escaping).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Parameter, PrincipalKind, TrustCondition};

    fn parsed(json: &str) -> serde_json::Value {
        serde_json::from_str(json).expect("valid JSON")
    }

    #[test]
    fn renders_valid_json_with_the_given_actions_in_order() {
        let json = render_policy(&[
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage",
        ]);
        let v = parsed(&json);
        assert_eq!(v["Version"], "2012-10-17");
        let st = &v["Statement"][0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Resource"], "*");
        assert_eq!(
            st["Action"],
            serde_json::json!([
                "aws-marketplace:ResolveCustomer",
                "aws-marketplace:BatchMeterUsage"
            ])
        );
        assert_eq!(v["Statement"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn is_byte_stable_with_fixed_key_order_and_trailing_newline() {
        let a = render_policy(&["aws-marketplace:MeterUsage"]);
        assert_eq!(a, render_policy(&["aws-marketplace:MeterUsage"]));
        assert!(a.ends_with("}\n") && !a.ends_with("\n\n"));
        let keys: Vec<usize> = [
            "\"Version\"",
            "\"Statement\"",
            "\"Effect\"",
            "\"Action\"",
            "\"Resource\"",
        ]
        .iter()
        .map(|k| a.find(k).unwrap())
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{a}");
        assert!(!a.contains('\t'));
    }

    #[test]
    fn escapes_what_json_requires() {
        let json = render_policy(&["a\"b\\c\nd\u{1}"]);
        assert_eq!(
            parsed(&json)["Statement"][0]["Action"][0],
            "a\"b\\c\nd\u{1}"
        );
    }

    #[test]
    fn empty_action_list_is_still_valid_json() {
        assert_eq!(
            parsed(&render_policy(&[]))["Statement"][0]["Action"],
            serde_json::json!([])
        );
    }

    #[test]
    fn trust_policy_renders_canonically_with_placeholders() {
        let trust = Trust {
            principal_kind: PrincipalKind::Federated,
            principal: "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}".into(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            conditions: vec![
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:sub".into(),
                    value: "system:serviceaccount:${Namespace}:${ServiceAccount}".into(),
                },
                TrustCondition {
                    operator: "StringLike".into(),
                    key: "aws:SourceArn".into(),
                    value: "arn:aws:eks:*".into(),
                },
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:aud".into(),
                    value: "sts.amazonaws.com".into(),
                },
            ],
        };
        assert_eq!(
            trust.parameters(),
            [
                Parameter::AccountId,
                Parameter::OidcProvider,
                Parameter::Namespace,
                Parameter::ServiceAccount
            ]
        );
        // Operators in order of first use, each with its keys in file order.
        assert_eq!(
            trust.render(),
            r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "${OidcProvider}:sub": "system:serviceaccount:${Namespace}:${ServiceAccount}",
                    "${OidcProvider}:aud": "sts.amazonaws.com"
                },
                "StringLike": {
                    "aws:SourceArn": "arn:aws:eks:*"
                }
            }
        }
    ]
}
"#
        );
        let v = parsed(&trust.render());
        assert_eq!(
            v["Statement"][0]["Condition"]["StringEquals"]["${OidcProvider}:aud"],
            "sts.amazonaws.com"
        );
    }
}
