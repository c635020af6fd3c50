"""IAM setup for the marketplace-iam end-to-end proof, through the IAM API of the local endpoint (boto3).

Reads a JSON request on stdin and writes a JSON answer on stdout; errors go to stderr with a non-zero exit.

  {"endpoint": "http://127.0.0.1:PORT", "action": "setup", "users": [{"name": "...", "policy": "<document>" | null}]}
      The endpoint's first three requests are not authenticated (INITIAL_NO_AUTH_ACTION_COUNT=3): they create the
      user `e2e-admin` with an allow-all inline policy and its access key. Every later request is signed with that
      key and checked. Then, per user: CreateUser, PutUserPolicy (the document as given, byte for byte) unless it is
      null, CreateAccessKey. Answers {"admin": KEY, "users": {"name": KEY}}, KEY = {"id": ..., "secret": ...}.
      With "roles": [{"name": "...", "policy": "<document>", "trust_policy": "<document>", "caller": "user",
      "session": "..."}], after the users, per role: CreateRole with the trust policy, PutRolePolicy (the document
      as given, byte for byte), then sts:AssumeRole signed by the caller's key (one of the users), and the same
      AssumeRole signed by the admin (allowed everything by its identity policy, not named by the trust policy), once,
      without retries. The answer then has "roles": {"name": {"role_arn": ..., "arn": the assumed-role ARN STS
      returned, "key": {"id", "secret", "token"}, "outsider": {"signer": ..., "status": HTTP status or null, "body":
      the error message, or "" if it was allowed}}}.

  {"endpoint": ..., "action": "cleanup", "admin": KEY, "users": ["name", ...], "roles": ["name", ...]}
      Deletes each role's inline policies and the role (DeleteRolePolicy, DeleteRole), then each user's access keys,
      inline policies and the user. Answers {"deleted": N}, the number of roles and users. The admin, whose key signs
      these calls, goes with the server.

  {"endpoint": ..., "action": "probe", "admin": KEY}
      Shows whether the endpoint routes and enforces License Manager: creates the user `e2e-probe` without any
      policy, calls License Manager's CheckoutLicense once (no retries) with the admin's key (allowed everything) and
      with the probe's, and deletes the probe. Answers {"answers": [{"signer": "...", "status": HTTP status or null,
      "body": the start of the body or the error}]}.

  {"action": "evaluate", "users": [{"name": "...", "policy": "<document>" | null,
   "checks": [{"action": "license-manager:GetLicense", "resource": "arn:..." | "*"}]}]}
      Decides each user's checks with moto's IAM policy evaluator, the code moto_server enforces IAM with,
      without any request to the endpoint (moto does not route License Manager, and checks KMS and SNS calls
      against "*" instead of the key or topic they act on). In moto's in-process backend (mock_aws): CreateUser,
      PutUserPolicy (the document as given) unless it is null, CreateAccessKey; then, per check,
      IAMRequest.check_action_permitted(resource) for the action, over the policies moto collects for that access
      key, exactly as the server does after it has checked a request's signature.
      Answers {"users": {"name": [ANSWER, ...]}} in the order of the user's checks, ANSWER = {"allowed": true,
      "statements": [the 1-based positions of the statements that permit it]} or {"allowed": false, "message": the
      AccessDenied message}.

  {"endpoint": ..., "action": "sns_probe", "admin": KEY, "queue_arn": "arn:aws:sqs:...", "topic": "name"}
      Shows whether the endpoint enforces a queue policy on what SNS delivers: creates the topic `topic` in the
      endpoint's account, subscribes the queue to it, publishes one message, receives from the queue (up to three
      times, 10 messages each) and deletes what came from that topic, then deletes the subscription and the topic.
      Answers {"topic_arn": ..., "delivered": true if a message from that topic reached the queue, "queue_policy":
      the queue's Policy attribute as the endpoint stores it, or null}.

  {"action": "queue_policy", "requests": [{"policy": "<queue policy>", "principal": "sns.amazonaws.com",
   "action": "sqs:SendMessage", "resource": "arn:aws:sqs:...", "source_arn": "arn:..." | null}]}
      Decides each request to a queue policy, offline, with Principal Mapper's resource-policy evaluator
      (principalmapper.querying.local_policy_simulation.resource_policy_authorization, which matches a Service
      principal and evaluates Arn* conditions), and asks moto's IAM policy evaluator (IAMPolicy.is_action_permitted)
      the same, for the record of what moto decides. Answers {"answers": [{"pmapper": the ResourcePolicyEvalResult's
      name, "statements": [the Sid (or 1-based position) of each statement that matches], "moto": the
      PermissionResult's name without a principal, "moto_with_principal": the same with the service as principal, or
      the exception it raised}]}.
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
    roles = {}
    for role in request.get("roles", []):
        roles[role["name"]] = create_and_assume(endpoint, iam, admin, users[role["caller"]], role)
    return {"admin": admin, "users": users, "roles": roles}


def sts_client(endpoint, key):
    from botocore.config import Config

    return boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key["id"],
        aws_secret_access_key=key["secret"],
        config=Config(retries={"total_max_attempts": 1}),
    )


def create_and_assume(endpoint, iam, admin, caller, role):
    from botocore.exceptions import ClientError

    name = role["name"]
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=role["trust_policy"])["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName=name, PolicyDocument=role["policy"])
    try:
        assumed = sts_client(endpoint, caller).assume_role(RoleArn=role_arn, RoleSessionName=role["session"])
    except ClientError as error:
        sys.exit(f"sts:AssumeRole of {role_arn} signed by {role['caller']}: {error}")
    credentials = assumed["Credentials"]
    try:
        sts_client(endpoint, admin).assume_role(RoleArn=role_arn, RoleSessionName=role["session"])
        outsider = {"status": 200, "body": ""}
    except ClientError as error:
        metadata = error.response.get("ResponseMetadata", {})
        message = error.response.get("Error", {}).get("Message", "")
        outsider = {"status": metadata.get("HTTPStatusCode"), "body": message}
    except Exception as error:  # no HTTP answer at all: the runner reports it
        outsider = {"status": None, "body": f"{type(error).__name__}: {error}"}
    return {
        "role_arn": role_arn,
        "arn": assumed["AssumedRoleUser"]["Arn"],
        "key": {
            "id": credentials["AccessKeyId"],
            "secret": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
        },
        "outsider": {"signer": ADMIN, **outsider},
    }


def delete_user(iam, name):
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    iam.delete_user(UserName=name)


def cleanup(request):
    admin = request["admin"]
    iam = client(request["endpoint"], admin["id"], admin["secret"])
    roles = request.get("roles", [])
    for name in roles:
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy)
        iam.delete_role(RoleName=name)
    for name in request["users"]:
        delete_user(iam, name)
    return {"deleted": len(roles) + len(request["users"])}


PROBE = "e2e-probe"


def checkout(endpoint, key):
    from botocore.config import Config
    from botocore.exceptions import ClientError

    license_manager = boto3.client(
        "license-manager",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key["id"],
        aws_secret_access_key=key["secret"],
        config=Config(retries={"total_max_attempts": 1}),
    )
    try:
        license_manager.checkout_license(
            ProductSKU="e2e-product-sku",
            CheckoutType="PROVISIONAL",
            KeyFingerprint="aws:294406891311:AWS/Marketplace:issuer-fingerprint",
            Entitlements=[{"Name": "e2e", "Unit": "Count", "Value": "1"}],
            ClientToken="e2e-client-token",
        )
        return {"status": 200, "body": ""}
    except ClientError as error:
        metadata = error.response.get("ResponseMetadata", {})
        body = error.response.get("Error", {}).get("Message", "")
        return {"status": metadata.get("HTTPStatusCode"), "body": " ".join(body.split())[:200]}
    except Exception as error:  # no HTTP answer at all: the runner reports it
        return {"status": None, "body": f"{type(error).__name__}: {error}"}


def probe(request):
    endpoint, admin = request["endpoint"], request["admin"]
    iam = client(endpoint, admin["id"], admin["secret"])
    iam.create_user(UserName=PROBE)
    try:
        key = key_of(iam.create_access_key(UserName=PROBE))
        answers = []
        for signer, signer_key in [("e2e-admin (allowed everything)", admin), (f"{PROBE} (no policy)", key)]:
            answers.append({"signer": signer, **checkout(endpoint, signer_key)})
    finally:
        delete_user(iam, PROBE)
    return {"answers": answers}


def evaluate(request):
    # Imported here: setup and cleanup do not need moto itself.
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.core.exceptions import AccessDeniedError
    from moto.iam.access_control import (
        IAMPolicy,
        IAMPolicyStatement,
        IAMRequest,
        IAMUserAccessKey,
        PermissionResult,
    )

    class Decision(IAMRequest):
        """The server's access check for one action, without the request it would come with: the signature and the
        routing are what moto does not have for these services; the decision is its own."""

        def __init__(self, access_key, action):
            self.account_id = DEFAULT_ACCOUNT_ID
            self._region = "us-east-1"
            self._service = action.split(":", 1)[0]
            self._action = action
            self._access_key = access_key

    def permitting(policies, action, resource):
        positions = []
        for policy in policies:
            statements = IAMPolicy(policy)._policy_json["Statement"]
            if isinstance(statements, dict):
                statements = [statements]
            for position, statement in enumerate(statements, start=1):
                result = IAMPolicyStatement(statement).is_action_permitted(action, resource)
                if result == PermissionResult.PERMITTED:
                    positions.append(position)
        return positions

    answers = {}
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        for user in request["users"]:
            name = user["name"]
            iam.create_user(UserName=name)
            if user["policy"] is not None:
                iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=user["policy"])
            key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
            access_key = IAMUserAccessKey(DEFAULT_ACCOUNT_ID, "aws", key_id, {})
            row = []
            for check in user["checks"]:
                action, resource = check["action"], check["resource"]
                try:
                    Decision(access_key, action).check_action_permitted(resource)
                except AccessDeniedError as denied:
                    row.append({"allowed": False, "message": denied.message})
                    continue
                statements = permitting(access_key.collect_policies(), action, resource)
                row.append({"allowed": True, "statements": statements})
            answers[name] = row
    return {"users": answers}


def sns_probe(request):
    from botocore.config import Config

    endpoint, admin = request["endpoint"], request["admin"]

    def service(name):
        return boto3.client(
            name,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=admin["id"],
            aws_secret_access_key=admin["secret"],
            config=Config(retries={"total_max_attempts": 1}),
        )

    sns, sqs = service("sns"), service("sqs")
    queue_arn = request["queue_arn"]
    queue_url = sqs.get_queue_url(QueueName=queue_arn.split(":")[-1])["QueueUrl"]
    policy = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])
    topic_arn = sns.create_topic(Name=request["topic"])["TopicArn"]
    delivered = False
    try:
        subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
        sns.publish(TopicArn=topic_arn, Message="e2e probe: is the queue policy enforced?")
        for _ in range(3):
            received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            for message in received.get("Messages", []):
                try:
                    envelope = json.loads(message["Body"])
                except ValueError:
                    continue
                if isinstance(envelope, dict) and envelope.get("TopicArn") == topic_arn:
                    delivered = True
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            if delivered:
                break
        sns.unsubscribe(SubscriptionArn=subscription)
    finally:
        sns.delete_topic(TopicArn=topic_arn)
    return {
        "topic_arn": topic_arn,
        "delivered": delivered,
        "queue_policy": policy.get("Attributes", {}).get("Policy"),
    }


def principal_mapper():
    """Principal Mapper's local policy simulation. principalmapper 1.1.5 imports Mapping and MutableMapping from
    `collections`, where Python 3.10 removed them; they are the same classes in `collections.abc`. The evaluation code
    is Principal Mapper's, unchanged."""
    import collections
    import collections.abc

    for name in ("Mapping", "MutableMapping"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    from principalmapper.querying import local_policy_simulation

    return local_policy_simulation


def queue_policy(request):
    from moto.iam.access_control import IAMPolicy

    simulation = principal_mapper()
    answers = []
    for item in request["requests"]:
        policy = json.loads(item["policy"])
        context = {} if item["source_arn"] is None else {"aws:SourceArn": item["source_arn"]}
        principal, action, resource = item["principal"], item["action"], item["resource"]
        result = simulation.resource_policy_authorization(
            principal, resource.split(":")[4], policy, action, resource, dict(context)
        )
        matching = simulation.resource_policy_matching_statements(
            principal, policy, action, resource, simulation.CaseInsensitiveDict(dict(context))
        )
        statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
        names = [s.get("Sid") or str(statements.index(s) + 1) for s in matching]
        moto = IAMPolicy(item["policy"])
        try:
            with_principal = moto.is_action_permitted(action, resource, principal, dict(context)).name
        except Exception as error:  # moto cannot take a service principal: the runner shows what it raised
            with_principal = f"{type(error).__name__}: {error}"
        answers.append(
            {
                "pmapper": result.name,
                "statements": names,
                "moto": moto.is_action_permitted(action, resource, None, dict(context)).name,
                "moto_with_principal": with_principal,
            }
        )
    return {"answers": answers}


def main():
    request = json.load(sys.stdin)
    actions = {
        "setup": setup,
        "cleanup": cleanup,
        "probe": probe,
        "evaluate": evaluate,
        "sns_probe": sns_probe,
        "queue_policy": queue_policy,
    }
    action = actions.get(request.get("action"))
    if action is None:
        sys.exit(f"unknown action {request.get('action')!r}")
    json.dump(action(request), sys.stdout)


if __name__ == "__main__":
    main()
