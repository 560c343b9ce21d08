# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One access key of an IAM user, kept in a Secrets Manager secret, for ``spinnaker.aws.iam_access_key_secret``.

The secret's value is JSON ``{"access_key_id": ..., "secret_access_key": ...}``; IAM shows a key's secret only
in ``CreateAccessKey``'s answer (IAM User Guide, "Manage access keys for IAM users"), so a key whose secret is not
stored can never be given to anyone and is deleted when the collection created it.

How a key the collection created is told from one it did not: before every ``CreateAccessKey`` the user is tagged
``PENDING_TAG`` with the ids of the keys that exist then (``none`` for no key), and the tag is removed once the new
key is stored. A run killed in between leaves the tag: the next run deletes the keys that are neither among those
nor stored. A ``CreateAccessKey`` whose answer was lost and retried (by botocore or ``AWSRetry``) leaves one more
key than the answer names: right after a create, every key that is neither pre-existing nor the one returned is
deleted. IAM allows two access keys per user (IAM User Guide, "IAM and AWS STS quotas"), so a third is refused.

Rotation keeps the replaced key active until Spinnaker uses the new one: the new key is stored as the secret's
current version, and ``PutSecretValue`` moves the label ``AWSPREVIOUS`` to the version it replaces (Secrets
Manager API reference, PutSecretValue), which names the key being replaced. A rotation that stopped after the
store (the previous key still active) is resumed, not repeated.

The decisions (``ensure_plan``, ``stray_key_ids``, ``rotation_plan``, ``key_age_days`` ...) are pure: ids, tags
and texts in, plans out. The AWS calls below them are thin wrappers around one API call each, with
``AWSRetry.jittered_backoff`` and an error handler that raises ``AnsibleAWSError`` (``AnsibleIAMError`` for IAM).
"""

import datetime
import json

try:
    import botocore  # noqa: F401, pylint: disable=unused-import
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_access_keys
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_user_tags
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import tag_list

# The tag that marks the user while a key is being created and not yet stored.
PENDING_TAG = "spinnaker.aws:pending-access-key"
# The value of PENDING_TAG when the user had no key before the create.
NO_KEYS = "none"
# IAM's quota of access keys per user.
MAX_KEYS_PER_USER = 2
# The id a key created in check mode stands under in the diff (none is created).
NEW_KEY = "(new access key)"


class KeyRefusal(Exception):
    """A state the module refuses to change (a third key, a foreign key, a secret it did not write): ``msg``."""

    def __init__(self, msg):
        super(KeyRefusal, self).__init__(msg)
        self.msg = msg


# The pure part: decisions on ids, tags and texts.

def secret_value(access_key_id, secret_access_key):
    """The secret's value for a key: JSON ``{"access_key_id", "secret_access_key"}``."""
    return json.dumps({"access_key_id": access_key_id, "secret_access_key": secret_access_key}, sort_keys=True)


def parse_stored_key(text, secret_name):
    """The key a secret's value holds, ``{"access_key_id", "secret_access_key"}``, or ``None`` when there is no
    value. Raises ``KeyRefusal`` for a value that is not such a key (a secret of that name the collection did not
    write is never overwritten)."""
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        value = None
    if (not isinstance(value, dict) or not isinstance(value.get("access_key_id"), str)
            or not isinstance(value.get("secret_access_key"), str) or not value["access_key_id"]):
        raise KeyRefusal(
            "The secret %s holds something that is not an access key as JSON {\"access_key_id\": ..., "
            "\"secret_access_key\": ...}; it is left as it is. Store the key Spinnaker uses there in that form, or "
            "give the secret another name, then re-run." % secret_name)
    return {"access_key_id": value["access_key_id"], "secret_access_key": value["secret_access_key"]}


def pending_value(key_ids):
    """The value of ``PENDING_TAG`` before a create: the ids of the keys that exist, ``+``-separated (IAM tag
    values allow ``+``), or ``none``."""
    return "+".join(sorted(key_ids)) or NO_KEYS


def unstored_key_ids(key_ids, pending, stored_id):
    """The keys an interrupted run created but never stored: with the user marked ``pending`` (the tag's value,
    ``None`` when unmarked), every key that is neither among the marked ones nor ``stored_id``. Without the mark,
    none: a key the collection did not create is never deleted."""
    if not pending:
        return []
    existed = set(pending.split("+"))
    return [k for k in key_ids if k not in existed and k != stored_id]


def ensure_plan(key_ids, stored_id, pending):
    """What ensuring one stored key does to a user's keys ``key_ids``, given the stored key's id (``None``: none)
    and the user's ``PENDING_TAG`` value (``None``: unmarked). Returns ``{"delete": [ids], "remaining": [ids],
    "create": bool, "clear_mark": bool}``: delete what an interrupted run left, create a key when none is stored
    (``stored_id`` is not among the remaining keys), and clear the mark when there is one or a key is created."""
    delete = unstored_key_ids(key_ids, pending, stored_id)
    remaining = [k for k in key_ids if k not in delete]
    create = not stored_id or stored_id not in remaining
    return {"delete": delete, "remaining": remaining, "create": create, "clear_mark": bool(pending) or create}


def third_key_message(user_name, secret_name):
    """Why a key is not created for a user that has two already."""
    return ("%s already has two access keys and neither is stored in the Secrets Manager secret %s. Store the one "
            "Spinnaker uses there as JSON {\"access_key_id\": ..., \"secret_access_key\": ...}, or delete an unused "
            "key, then re-run." % (user_name, secret_name))


def stray_key_ids(key_ids, preexisting, created_id):
    """After a ``CreateAccessKey`` that returned ``created_id``: the keys that are neither ``preexisting`` nor the
    one returned, made by a create whose answer was lost (and retried). Their secret is nowhere."""
    return [k for k in key_ids if k not in preexisting and k != created_id]


def rotation_plan(keys, current_id, previous_id):
    """What a rotation does, from the user's ``keys`` (``[{"access_key_id", "status"}]``), the id of the key the
    secret holds (``current_id``) and of the one before it (``previous_id``, the ``AWSPREVIOUS`` version; ``None``
    when there is none). Returns ``{"resume", "delete_inactive", "foreign", "replaced_key_id"}``:

    - ``resume``: the previous key is still active, so an earlier rotation created and stored the current key but
      did not retire the previous one: nothing is created, the current key is the new one.
    - ``delete_inactive``: the previous key, inactive (an earlier, finished rotation left it): deleted first.
    - ``foreign``: keys that are neither current nor previous, which the collection did not create: refused.
    - ``replaced_key_id``: the key the new one replaces (``previous_id`` when resuming, else ``current_id``).
    """
    others = [k for k in keys if k["access_key_id"] != current_id]
    resume = bool(previous_id) and any(k["access_key_id"] == previous_id and k["status"] == "Active" for k in others)
    delete_inactive = [k["access_key_id"] for k in others
                       if previous_id and k["access_key_id"] == previous_id and k["status"] != "Active"]
    foreign = [k["access_key_id"] for k in others if not previous_id or k["access_key_id"] != previous_id]
    return {"resume": resume, "delete_inactive": delete_inactive, "foreign": foreign,
            "replaced_key_id": (previous_id if resume else current_id) or ""}


def foreign_key_message(user_name, secret_name, foreign):
    """Why a rotation refuses to create a key beside keys the collection did not create."""
    return ("%s has the access key %s, which is neither the key in %s nor the one before it: it was not created by "
            "the collection and is left alone. IAM allows two keys per user, so the rotation cannot create a new "
            "one: delete that key (if unused) and re-run." % (user_name, ", ".join(foreign), secret_name))


def key_age_days(create_date, now):
    """Whole days between a key's ``create_date`` (a datetime, or IAM's ISO 8601 text) and ``now`` (aware, UTC);
    0 for a key created in the future (a skewed clock)."""
    if isinstance(create_date, str):
        create_date = datetime.datetime.strptime(create_date[:19], "%Y-%m-%dT%H:%M:%S")
    if create_date.tzinfo is None:
        create_date = create_date.replace(tzinfo=datetime.timezone.utc)
    return max(0, (now - create_date).days)


def rotation_due(age_days, max_age_days):
    """Whether a key ``age_days`` old is due for rotation (``max_age_days`` 0: never)."""
    return max_age_days > 0 and age_days > max_age_days


def secret_updates(secret, description, kms_key_id):
    """The ``UpdateSecret`` parameters that bring an existing secret (``DescribeSecret``'s answer) to the wanted
    description and KMS key (``None``: keep it), or ``{}``."""
    updates = {}
    if description is not None and secret.get("Description", "") != description:
        updates["Description"] = description
    if kms_key_id and secret.get("KmsKeyId") != kms_key_id:
        updates["KmsKeyId"] = kms_key_id
    return updates


def missing_tags(current, wanted):
    """The tags of ``wanted`` (a dict) that ``current`` (a dict) lacks or holds with another value; other tags are
    kept."""
    return dict((k, v) for k, v in wanted.items() if current.get(k) != v)


def key_snapshot(keys, stored_id, pending):
    """The state a diff shows (no secret): each key's status by id, the stored key's id, the mark."""
    return {"access_keys": dict((k["access_key_id"], k["status"]) for k in keys),
            "stored_access_key_id": stored_id or "", "pending_tag": pending or ""}


# The AWS calls: one API call each.

class SecretsManagerErrorHandler(AWSErrorHandler):
    """``AWSErrorHandler`` for Secrets Manager: ``ResourceNotFoundException`` means missing."""

    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


@SecretsManagerErrorHandler.list_error_handler("read the secret")
@AWSRetry.jittered_backoff()
def get_secret_string(client, name, stage="AWSCURRENT"):
    """The ``SecretString`` of the version labelled ``stage``, or ``None`` (no secret, or no such version)."""
    return client.get_secret_value(SecretId=name, VersionStage=stage).get("SecretString")


@SecretsManagerErrorHandler.list_error_handler("describe the secret")
@AWSRetry.jittered_backoff()
def describe_secret(client, name):
    """``DescribeSecret``'s answer, or ``None`` when there is no such secret."""
    return client.describe_secret(SecretId=name)


@SecretsManagerErrorHandler.common_error_handler("create the secret")
@AWSRetry.jittered_backoff()
def create_secret(client, name, value, description, kms_key_id, tags):
    params = dict(Name=name, SecretString=value, Tags=tag_list(tags))
    if description:
        params["Description"] = description
    if kms_key_id:
        params["KmsKeyId"] = kms_key_id
    client.create_secret(**params)


@SecretsManagerErrorHandler.common_error_handler("update the secret's description or KMS key")
@AWSRetry.jittered_backoff()
def update_secret(client, name, updates):
    client.update_secret(SecretId=name, **updates)


@SecretsManagerErrorHandler.common_error_handler("tag the secret")
@AWSRetry.jittered_backoff()
def tag_secret(client, name, tags):
    client.tag_resource(SecretId=name, Tags=tag_list(tags))


@SecretsManagerErrorHandler.common_error_handler("store the new access key in the secret")
@AWSRetry.jittered_backoff()
def put_secret_value(client, name, value):
    """A new version of the secret, labelled ``AWSCURRENT`` (the one it replaces becomes ``AWSPREVIOUS``)."""
    client.put_secret_value(SecretId=name, SecretString=value)


def list_access_keys(client, user_name):
    """The user's keys, ``[{"access_key_id", "status", "create_date"}]`` oldest first (``[]`` for no user)."""
    return get_iam_access_keys(client, user_name) or []


def get_user_tags(client, user_name):
    """The user's tags as a dict, or ``None`` when the user does not exist."""
    tags = list_iam_user_tags(client, user_name)
    return None if tags is None else boto3_tag_list_to_ansible_dict(tags)


@IAMErrorHandler.common_error_handler("mark the user before creating an access key")
@AWSRetry.jittered_backoff()
def tag_user(client, user_name, key, value):
    client.tag_user(UserName=user_name, Tags=[{"Key": key, "Value": value}])


@IAMErrorHandler.deletion_error_handler("clear the user's mark")
@AWSRetry.jittered_backoff()
def untag_user(client, user_name, key):
    client.untag_user(UserName=user_name, TagKeys=[key])


@IAMErrorHandler.common_error_handler("create an access key")
@AWSRetry.jittered_backoff()
def create_access_key(client, user_name):
    """A new key: ``{"access_key_id", "secret_access_key", "status", "create_date"}``."""
    key = client.create_access_key(UserName=user_name)["AccessKey"]
    return {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"],
            "status": key.get("Status", "Active"), "create_date": key.get("CreateDate")}


@IAMErrorHandler.deletion_error_handler("delete an access key")
@AWSRetry.jittered_backoff()
def delete_access_key(client, user_name, access_key_id):
    client.delete_access_key(UserName=user_name, AccessKeyId=access_key_id)
