//! Canonical IAM policy JSON.

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

/// Appends `s` as a JSON string literal (RFC 8259 escaping).
pub(crate) fn push_json_string(out: &mut String, s: &str) {
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
}
