//! What to do about a document that is not a policy: the reader's error says what and where; for the mistakes
//! people make with real files (AWS CLI output instead of the document, a URL-encoded document as the IAM API
//! returns it, YAML, comments, a misspelt element), this adds how to fix it.
//!
//! Hints about the text as a whole are added to the error once it is made ([`improve`]); a hint about an unknown
//! key is made by the strict reader's visitor where it meets the key ([`unknown_field`]), from the key and the
//! elements the object may have.

use crate::document::PolicyError;

/// Adds a hint to `err`, the error for `text`, when the mistake is a known one.
pub(crate) fn improve(text: &str, err: &mut PolicyError) {
    if let Some(hint) = hint(text, err) {
        err.message.push_str(": ");
        err.message.push_str(&hint);
    }
}

fn hint(text: &str, err: &PolicyError) -> Option<String> {
    let start = text.trim_start();
    if start.is_empty() {
        return Some(
            "the file is empty; a policy document is a JSON object such as \
             {\"Version\": \"2012-10-17\", \"Statement\": [...]}"
                .into(),
        );
    }
    let document_level = err.path.is_empty() || err.path.split(['.', '[']).count() == 1;
    top_level(start, err).filter(|_| document_level)
}

/// The refusal of the unknown key `key` of an object that may have the elements `expected`, with how to fix it:
/// for a key of the document (or of its only statement, `document_level`) that AWS CLI output or a CloudFormation
/// template has, what the file is and where its policy document is; otherwise the element it is closest to.
pub(crate) fn unknown_field(key: &str, expected: &[&str], document_level: bool) -> String {
    let mut message = crate::rules::unknown_field(key, expected);
    let hint = wrapped(key)
        .filter(|_| document_level)
        .map(str::to_owned)
        .or_else(|| {
            let close = expected
                .iter()
                .find(|e| e.eq_ignore_ascii_case(key))
                .copied()
                .or_else(|| {
                    marketplace_iam_model::suggest::closest(key, expected.iter().copied(), 0.85)
                })?;
            Some(if close.eq_ignore_ascii_case(key) {
                format!("did you mean `{close}`? (IAM element names are case-sensitive)")
            } else {
                format!("did you mean `{close}`?")
            })
        });
    if let Some(hint) = hint {
        message.push_str(": ");
        message.push_str(&hint);
    }
    message
}

/// Mistakes about the document as a whole.
fn top_level(start: &str, err: &PolicyError) -> Option<String> {
    let lower = start.get(..3).unwrap_or(start).to_ascii_lowercase();
    if lower == "%7b" {
        return Some(
            "the document is URL-encoded, as the IAM API returns it; decode it first \
             (the AWS CLI decodes it for you: `aws iam get-policy-version ... --query PolicyVersion.Document`)"
                .into(),
        );
    }
    if start.starts_with("//") || start.starts_with("/*") || start.starts_with('#') {
        return Some("JSON has no comments; remove them".into());
    }
    if err.message.contains("key must be a string") {
        return Some("JSON keys and strings are written in double quotes".into());
    }
    if !start.starts_with('{') && !start.starts_with('[') && err.message.starts_with("invalid JSON")
    {
        return Some("a policy document is a JSON object, starting with `{` (not YAML)".into());
    }
    if err.message.starts_with("invalid type: sequence") && err.path.is_empty() {
        return Some("a file holds one policy document; put each in its own file".into());
    }
    if err.message == "invalid JSON: trailing characters" {
        return Some("a file holds one policy document, and nothing after it".into());
    }
    None
}

/// What a file whose document (or only statement) has the key `key` is, when it is a known wrapper of policy
/// documents, and where its document is.
fn wrapped(key: &str) -> Option<&'static str> {
    Some(match key {
        "PolicyVersion" => {
            "this is the output of `aws iam get-policy-version`; the policy document is its `PolicyVersion.Document` \
             (add `--query PolicyVersion.Document`)"
        }
        "RoleName" | "UserName" | "GroupName" | "PolicyName" | "PolicyDocument" => {
            "this is the output of `aws iam get-role-policy` (or get-user-policy, get-group-policy); the policy \
             document is its `PolicyDocument` (add `--query PolicyDocument`)"
        }
        "Policy" => {
            "this is the output of `aws organizations describe-policy`; the policy document is the JSON text in its \
             `Policy.Content` (add `--query Policy.Content --output text`)"
        }
        "AWSTemplateFormatVersion" | "Resources" | "Parameters" => {
            "this is a CloudFormation template; the policy document is the `PolicyDocument` of an \
             `AWS::IAM::ManagedPolicy` or of a role's `Policies`"
        }
        "UserDetailList" | "RoleDetailList" | "GroupDetailList" | "Policies" => {
            "this is the output of `aws iam get-account-authorization-details`; check each policy document in it \
             (e.g. `PolicyVersionList[?IsDefaultVersion].Document` of a policy) on its own"
        }
        _ => return None,
    })
}
