"""Lint the published IAM documents with parliament: every permissions policy and every trust policy.

Run from the repository root with a Python that has parliament installed (see .ci/run):

    python .ci/lint_iac.py

Permissions policies (docs/policies/*.json) must have no finding at all.

Trust policies (docs/trust-policies/*.json) are checked as they are deployed: with their ${Parameter} placeholders
replaced by example values. parliament reads every document as an identity policy, which is wrong for a trust policy
in two ways, so exactly these two findings are set aside, each matched by issue and detail, and named in the output:
  - MALFORMED "Statement contains neither Resource nor NotResource": a role's trust policy is a resource-based
    policy and has no Resource element (IAM rejects one);
  - UNKNOWN_FEDERATION_SOURCE on an EKS OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>...)
    or on openid-license-manager.amazonaws.com: parliament knows SAML providers and a few public identity providers,
    not IAM roles for service accounts, nor AWS License Manager's token issuer, which AWS documents as the federated
    principal of the Containers Anywhere role
    (https://docs.aws.amazon.com/marketplace/latest/userguide/container-anywhere-license-manager-integration.html).
Any other finding fails. The script also asserts the properties a security review of trust policies asks for: no
wildcard principal, and sts:ExternalId on every trust policy whose principal is an AWS account or role.

The SaaS notification documents (docs/notifications/*.json: consumer, queue and subscriber policies) are checked with
their placeholders filled like the trust policies, and must have no finding. So are the policies inside the published
notification stacks (docs/cloudformation/saas-notifications-*.json, docs/terraform/saas-notifications-*.tf.json),
as they deploy: the CloudFormation intrinsics (Fn::Sub, Fn::GetAtt of the queue, Fn::If) and the Terraform
interpolations and `%{ if }` directives resolved with the example values, once without and once with the optional
KMS key. Every consumer policy must grant on the stack's queue (and key) only, never on "*".
"""

import json
import pathlib
import re
import sys

from parliament import analyze_policy_string

EXAMPLES = {
    "AccountId": "111122223333",
    "OidcProvider": "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    "Namespace": "metering",
    "ServiceAccount": "metering-agent",
    "TrustedRoleArn": "arn:aws:iam::444455556666:role/saas-application",
    "ExternalId": "tenant-7f3a9c",
    "ProductCode": "n0123example4567890abcdef",
    "MarketplaceAccountId": "287250355862",
    "QueueName": "saas-notifications",
    "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
}
PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": EXAMPLES["AccountId"], "AWS::Region": "us-east-1"}
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{EXAMPLES['AccountId']}:{EXAMPLES['QueueName']}"
KEY_ARN = f"arn:aws:kms:us-east-1:{EXAMPLES['AccountId']}:key/{EXAMPLES['KeyId']}"
# The CloudFormation condition and Terraform variable of the optional key.
KEY_CONDITION = "HasKeyId"
KEY_VARIABLE = "key_id"
TERRAFORM_VALUES = {
    "data.aws_partition.current.partition": "aws",
    "data.aws_caller_identity.current.account_id": EXAMPLES["AccountId"],
    "aws_sqs_queue.notifications.arn": QUEUE_ARN,
}
TERRAFORM_DIRECTIVE = re.compile(r"%\{ if var\.(\w+) != null \}(.*?)%\{ else \}(.*?)%\{ endif \}", re.S)

LICENSE_MANAGER_ISSUER = "openid-license-manager.amazonaws.com"
OIDC_PROVIDER_ARN = re.compile(r"^arn:aws:iam::\d{12}:oidc-provider/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Z0-9]+$")


def set_aside(finding):
    """Why a trust-policy finding is a known parliament limitation, or None."""
    if finding.issue == "MALFORMED" and finding.detail == "Statement contains neither Resource nor NotResource":
        return "trust policies have no Resource element"
    if finding.issue == "UNKNOWN_FEDERATION_SOURCE" and OIDC_PROVIDER_ARN.match(str(finding.detail)):
        return "parliament does not know EKS OIDC providers"
    if finding.issue == "UNKNOWN_FEDERATION_SOURCE" and str(finding.detail) == LICENSE_MANAGER_ISSUER:
        return "parliament does not know License Manager's token issuer"
    return None


def findings(text, path):
    policy = analyze_policy_string(text, filepath=str(path))
    return list(policy.findings)


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def fill(text):
    """A document's ${Parameter} placeholders filled with the example values."""
    for name, value in EXAMPLES.items():
        text = text.replace("${" + name + "}", value)
    return text


def cloudformation_value(node, keyed):
    """A template value with the intrinsics of the notification stacks resolved; `keyed`: whether KeyId is given."""
    if isinstance(node, list):
        return [cloudformation_value(n, keyed) for n in node if n != {"Ref": "AWS::NoValue"}]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (fn, arg), = node.items()
        if fn == "Fn::Sub":
            text = arg.replace("${NotificationQueue.Arn}", QUEUE_ARN)
            for name, value in PSEUDO.items():
                text = text.replace("${" + name + "}", value)
            return fill(text)
        if fn == "Fn::GetAtt" and arg == ["NotificationQueue", "Arn"]:
            return QUEUE_ARN
        if fn == "Fn::If":
            condition, then, otherwise = arg
            if condition != KEY_CONDITION:
                raise ValueError(f"unexpected condition {condition}")
            return cloudformation_value(then if keyed else otherwise, keyed)
    return {k: cloudformation_value(v, keyed) for k, v in node.items()}


def as_document(value):
    return value if isinstance(value, dict) else json.loads(value)


def stack_policies(path):
    """(kind, label, document) of each policy of a published notification stack, in both variants of the key."""
    out = []
    for keyed in (False, True):
        variant = "with KeyId" if keyed else "without KeyId"
        if path.name.endswith(".tf.json"):
            resources = json.loads(path.read_text())["resource"]

            def terraform(text):
                text = TERRAFORM_DIRECTIVE.sub(lambda m: m.group(2) if keyed else m.group(3), text)
                for expr, value in TERRAFORM_VALUES.items():
                    text = text.replace("${" + expr + "}", value)
                for name, value in EXAMPLES.items():
                    text = text.replace("${var." + snake(name) + "}", value)
                return text

            for name, r in resources.get("aws_iam_policy", {}).items():
                out.append(("identity", f"aws_iam_policy.{name} ({variant})", json.loads(terraform(r["policy"]))))
            for name, r in resources.get("aws_sqs_queue_policy", {}).items():
                out.append(("queue", f"aws_sqs_queue_policy.{name}", json.loads(terraform(r["policy"]))))
            for name, r in resources.get("aws_iam_role", {}).items():
                out.append(("trust", f"aws_iam_role.{name}", json.loads(terraform(r["assume_role_policy"]))))
        else:
            resources = json.loads(path.read_text())["Resources"]
            for name, r in resources.items():
                props = r.get("Properties", {})

                def document(key):
                    return as_document(cloudformation_value(props[key], keyed))

                if r["Type"] == "AWS::IAM::ManagedPolicy":
                    out.append(("identity", f"{name} ({variant})", document("PolicyDocument")))
                elif r["Type"] == "AWS::SQS::QueuePolicy":
                    out.append(("queue", name, document("PolicyDocument")))
                elif r["Type"] == "AWS::IAM::Role":
                    out.append(("trust", name, document("AssumeRolePolicyDocument")))
    return out


def lint_notifications():
    """(documents checked, findings) of docs/notifications and the published notification stacks."""
    failures = 0
    checked = 0
    for path in sorted(pathlib.Path("docs/notifications").glob("*.json")):
        checked += 1
        text = fill(path.read_text())
        if "${" in text:
            failures += 1
            print(f"error: {path}: a placeholder has no example value: {text[text.index('${'):][:40]}")
            continue
        for f in findings(text, path):
            failures += 1
            print(f"error: {path}: {f.issue}: {f.detail}")
    stacks = sorted(pathlib.Path("docs/cloudformation").glob("saas-notifications-*.json")) + sorted(
        pathlib.Path("docs/terraform").glob("saas-notifications-*.tf.json")
    )
    for path in stacks:
        seen = set()
        for kind, label, doc in stack_policies(path):
            text = json.dumps(doc, indent=4)
            if (kind, text) in seen:
                continue
            seen.add((kind, text))
            checked += 1
            if "${" in text:
                failures += 1
                print(f"error: {path}: {label}: unresolved {text[text.index('${'):][:40]}")
                continue
            for f in findings(text, path):
                reason = set_aside(f) if kind == "trust" else None
                if reason:
                    print(f"note: {path}: {label}: {f.issue} set aside ({reason})")
                else:
                    failures += 1
                    print(f"error: {path}: {label}: {f.issue}: {f.detail}")
            if kind == "identity":
                resources = {
                    r for s in doc["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
                }
                if not resources or not resources <= {QUEUE_ARN, KEY_ARN}:
                    failures += 1
                    print(f"error: {path}: {label}: the consumer policy grants on {sorted(resources)}, not only its queue and key")
    return checked, failures


def main():
    failures = 0
    checked = 0
    for path in sorted(pathlib.Path("docs/policies").glob("*.json")):
        checked += 1
        for f in findings(path.read_text(), path):
            failures += 1
            print(f"error: {path}: {f.issue}: {f.detail}")
    for path in sorted(pathlib.Path("docs/trust-policies").glob("*.json")):
        checked += 1
        text = path.read_text()
        for name, value in EXAMPLES.items():
            text = text.replace("${" + name + "}", value)
        if "${" in text:
            failures += 1
            print(f"error: {path}: a placeholder has no example value: {text[text.index('${'):][:40]}")
            continue
        for f in findings(text, path):
            reason = set_aside(f)
            if reason:
                print(f"note: {path}: {f.issue} set aside ({reason})")
            else:
                failures += 1
                print(f"error: {path}: {f.issue}: {f.detail}")
        doc = json.loads(text)
        for statement in doc["Statement"]:
            principal = statement["Principal"]
            values = [v for vs in principal.values() for v in (vs if isinstance(vs, list) else [vs])]
            if any("*" in v for v in values):
                failures += 1
                print(f"error: {path}: wildcard principal {values}")
            if "AWS" in principal:
                external = statement.get("Condition", {}).get("StringEquals", {}).get("sts:ExternalId")
                if not external:
                    failures += 1
                    print(f"error: {path}: cross-account trust without sts:ExternalId")
    more_checked, more_failures = lint_notifications()
    checked += more_checked
    failures += more_failures
    print(f"parliament: {checked} documents checked, {failures} findings")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
