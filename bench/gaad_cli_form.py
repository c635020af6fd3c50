"""Rewrites an authorization-details export in the form the AWS CLI prints it: every policy document a JSON object
(the IAM API returns them URL-encoded; the CLI decodes them). cloudsplaining reads only that form.

Usage: python3 bench/gaad_cli_form.py IN.json OUT.json
"""

import json
import sys
import urllib.parse


def decoded(document):
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document


def main(source, target):
    with open(source, encoding="utf-8") as f:
        account = json.load(f)
    for key, lists in (("UserDetailList", ["UserPolicyList"]), ("GroupDetailList", ["GroupPolicyList"]),
                       ("RoleDetailList", ["RolePolicyList"])):
        for entry in account.get(key, []):
            for name in lists:
                for inline in entry.get(name, []):
                    inline["PolicyDocument"] = decoded(inline["PolicyDocument"])
            if "AssumeRolePolicyDocument" in entry:
                entry["AssumeRolePolicyDocument"] = decoded(entry["AssumeRolePolicyDocument"])
    for policy in account.get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if "Document" in version:
                version["Document"] = decoded(version["Document"])
    with open(target, "w", encoding="utf-8") as f:
        json.dump(account, f, indent=4)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
