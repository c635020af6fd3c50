"""IAM setup for the marketplace-iam end-to-end proof, through the IAM API of the local endpoint (boto3).

Reads a JSON request on stdin and writes a JSON answer on stdout; errors go to stderr with a non-zero exit.

  {"endpoint": "http://127.0.0.1:PORT", "action": "setup", "users": [{"name": "...", "policy": "<document>" | null}]}
      The endpoint's first three requests are not authenticated (INITIAL_NO_AUTH_ACTION_COUNT=3): they create the
      user `e2e-admin` with an allow-all inline policy and its access key. Every later request is signed with that
      key and checked. Then, per user: CreateUser, PutUserPolicy (the document as given, byte for byte) unless it is
      null, CreateAccessKey. Answers {"admin": KEY, "users": {"name": KEY}}, KEY = {"id": ..., "secret": ...}.

  {"endpoint": ..., "action": "cleanup", "admin": KEY, "users": ["name", ...]}
      Deletes each user's access keys, inline policies and the user. Answers {"deleted": N}. The admin, whose key
      signs these calls, goes with the server.
"""

import json
import sys

import boto3

ADMIN = "e2e-admin"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def client(endpoint, key_id, secret):
    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def key_of(created):
    key = created["AccessKey"]
    return {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def setup(request):
    endpoint = request["endpoint"]
    anonymous = client(endpoint, "bootstrap", "bootstrap")
    anonymous.create_user(UserName=ADMIN)
    anonymous.put_user_policy(UserName=ADMIN, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    admin = key_of(anonymous.create_access_key(UserName=ADMIN))

    iam = client(endpoint, admin["id"], admin["secret"])
    users = {}
    for user in request["users"]:
        name = user["name"]
        iam.create_user(UserName=name)
        if user["policy"] is not None:
            iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=user["policy"])
        users[name] = key_of(iam.create_access_key(UserName=name))
    return {"admin": admin, "users": users}


def delete_user(iam, name):
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    iam.delete_user(UserName=name)


def cleanup(request):
    admin = request["admin"]
    iam = client(request["endpoint"], admin["id"], admin["secret"])
    for name in request["users"]:
        delete_user(iam, name)
    return {"deleted": len(request["users"])}


def main():
    request = json.load(sys.stdin)
    actions = {"setup": setup, "cleanup": cleanup}
    action = actions.get(request.get("action"))
    if action is None:
        sys.exit(f"unknown action {request.get('action')!r}")
    json.dump(action(request), sys.stdout)


if __name__ == "__main__":
    main()
