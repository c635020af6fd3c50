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
}

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
    print(f"parliament: {checked} documents checked, {failures} findings")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
