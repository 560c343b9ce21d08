#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_access_key_secret
version_added: 0.1.0
short_description: Keep one access key of an IAM user, stored in a Secrets Manager secret; read it, or rotate it
description:
  - >-
    Keeps exactly one access key of an IAM user whose secret is known, stored as the JSON
    C({"access_key_id": ..., "secret_access_key": ...}) in a Secrets Manager secret. IAM shows a key's secret only
    when it creates the key, so a key that is not stored cannot be given to anyone.
  - O(mode=ensure) reads the secret's current version and the user's keys; deletes the keys an interrupted run
    created but never stored; creates a key when none is stored (refused when the user has two keys already, IAM
    allows two), stores it, and returns it with its age and whether it is due for rotation.
  - Before every C(CreateAccessKey) the user is tagged O(pending_tag) with the ids of the keys that exist then; the
    tag is removed once the new key is stored. A run killed in between leaves the tag, and the next run deletes
    every key that is neither among those nor stored. Right after a create, a key that is neither pre-existing nor
    the one C(CreateAccessKey) returned (a create whose answer was lost and retried) is deleted too. Keys the
    module did not create are never deleted.
  - O(mode=read) only reads the key the secret holds; it makes no IAM call and no write.
  - O(mode=rotate) ensures first, then rotates; it is resumable. It deletes the inactive key an earlier rotation
    left (the key in the secret's C(AWSPREVIOUS) version), creates a new key and stores it as the secret's current
    version (the replaced key stays readable as C(AWSPREVIOUS) and stays active; retire it once every user of the
    key has the new one). When the C(AWSPREVIOUS) key is still active, an earlier rotation stopped after its
    store, and that rotation is resumed; nothing is created. A key that is neither current nor C(AWSPREVIOUS) was
    not created by the module, and the rotation is refused.
  - The result holds the key's secret (RV(access_key.secret_access_key)), so run the task with C(no_log=true).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  user_name:
    description:
      - The IAM user whose access key is kept. It must exist (create it with M(amazon.aws.iam_user)); in check mode
        a user that does not exist yet has no keys.
      - Required unless O(mode=read).
    type: str
  secret_name:
    description:
      - Name or ARN of the Secrets Manager secret that holds the key. Created, tagged and encrypted as below when
        it does not exist.
      - A secret whose value is not such a key is never overwritten (the module fails).
    type: str
    required: true
  mode:
    description:
      - C(ensure) keeps one stored key (creating it when none is stored), C(read) only reads it, C(rotate) ensures,
        then replaces it with a new key (see the description).
    type: str
    choices: [ensure, read, rotate]
    default: ensure
  description:
    description:
      - The secret's description, set when the module creates the secret or stores a key in it.
      - Default when creating the secret is C(Access key of the IAM user) and O(user_name).
    type: str
  kms_key_id:
    description:
      - The KMS key (id, ARN or alias) that encrypts the secret, set when the module creates it or stores a key in
        it. Unset, a new secret uses Secrets Manager's default key (C(aws/secretsmanager)) and an existing one
        keeps its key.
      - See U(https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
    type: str
  tags:
    description:
      - Tags of the secret, set when the module creates it or stores a key in it (the ownership tag
        C(managed-by=spinnaker.aws) is always added; other tags on the secret are kept).
    type: dict
    default: {}
  pending_tag:
    description:
      - The key of the user's tag that marks a key creation in progress (its value lists the keys that existed,
        C(+)-separated, or C(none)).
    type: str
    default: spinnaker.aws:pending-access-key
  max_age_days:
    description:
      - A key older than this many days is reported as due for rotation (RV(rotation_due)); C(0) never.
    type: int
    default: 0
notes:
  - Supports check mode (nothing is created, deleted, tagged or stored; C(changed) says whether something would
    be, and a key that would be created is not returned) and diff mode (the user's keys by status, the stored key's
    id and the mark, before and after; never a secret).
  - Needs C(iam:ListAccessKeys), C(CreateAccessKey), C(DeleteAccessKey), C(ListUserTags), C(TagUser) and
    C(UntagUser) on the user, and C(secretsmanager:GetSecretValue), C(DescribeSecret), C(CreateSecret),
    C(PutSecretValue), C(UpdateSecret) and C(TagResource) on the secret (O(mode=read) needs C(GetSecretValue)
    only).
  - IAM allows two access keys per user (U(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)).
seealso:
  - module: amazon.aws.iam_access_key
  - module: community.aws.secretsmanager_secret
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep one access key of the managing user, stored in Secrets Manager
  spinnaker.aws.iam_access_key_secret:
    user_name: spinnakerManaging
    secret_name: spinnaker/spinnakerManaging/access-key
    tags:
      team: platform
    max_age_days: 90
  register: managing_key
  no_log: true  # the result holds the secret access key

- name: Say when it is due for rotation
  ansible.builtin.debug:
    msg: "{{ managing_key.access_key_id }} is {{ managing_key.age_days }} day(s) old"
  when: managing_key.rotation_due

- name: Read the stored key only (no IAM call, no write)
  spinnaker.aws.iam_access_key_secret:
    secret_name: spinnaker/spinnakerManaging/access-key
    mode: read
  register: managing_key
  no_log: true

- name: Rotate it (the replaced key stays active; make it inactive once every user of the key has the new one)
  spinnaker.aws.iam_access_key_secret:
    user_name: spinnakerManaging
    secret_name: spinnaker/spinnakerManaging/access-key
    mode: rotate
  register: rotated
  no_log: true

- name: Make the replaced key inactive
  amazon.aws.iam_access_key:
    user_name: spinnakerManaging
    id: "{{ rotated.replaced_key_id }}"
    active: false
  when: rotated.replaced_key_id | length > 0
"""

RETURN = r"""
access_key:
  description:
    - The stored key (with O(mode=rotate), the new one). B(It holds the secret access key), so register the
      result of a task with C(no_log=true) and never print it.
    - Empty when the secret holds no key (O(mode=read)), and in check mode when a key would be created. In check
      mode with O(mode=rotate), the current key (no key is created).
  returned: always
  type: dict
  contains:
    access_key_id:
      description: The access key id.
      type: str
      sample: AKIAIOSFODNN7EXAMPLE
    secret_access_key:
      description: The secret access key (sensitive).
      type: str
      sample: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
access_key_id:
  description: The id of RV(access_key) (not a secret), or an empty string.
  returned: always
  type: str
  sample: AKIAIOSFODNN7EXAMPLE
age_days:
  description: Whole days since the key in RV(access_key) was created (0 for a key created by this run).
  returned: unless O(mode=read)
  type: int
  sample: 12
rotation_due:
  description: Whether RV(age_days) is above O(max_age_days) (never when O(max_age_days=0)).
  returned: unless O(mode=read)
  type: bool
  sample: false
created:
  description: Whether a key was (or, in check mode, would be) created.
  returned: unless O(mode=read)
  type: bool
  sample: false
deleted_key_ids:
  description:
    - >-
      The keys deleted (or that would be), unstored keys of an interrupted run or of a lost create's answer, and
      with O(mode=rotate) the inactive key an earlier rotation left.
  returned: unless O(mode=read)
  type: list
  elements: str
  sample: []
replaced_key_id:
  description:
    - The key the new one replaces, still active (empty when there is none). Retire it once every user of the key
      has the new one.
  returned: with O(mode=rotate)
  type: str
  sample: AKIAI44QH8DHBEXAMPLE
resumed:
  description: Whether an earlier rotation was resumed (its key is RV(access_key); nothing was created).
  returned: with O(mode=rotate)
  type: bool
  sample: false
diff:
  description: The user's keys (id and status), the stored key's id and the user's mark, before and after.
  returned: in diff mode, unless O(mode=read)
  type: dict
  sample:
    before: {access_keys: {}, stored_access_key_id: "", pending_tag: ""}
    after: {access_keys: {AKIAIOSFODNN7EXAMPLE: Active}, stored_access_key_id: AKIAIOSFODNN7EXAMPLE, pending_tag: ""}
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import MAX_KEYS_PER_USER
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import NEW_KEY
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import PENDING_TAG
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import KeyRefusal
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import create_access_key
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import create_secret
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import delete_access_key
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import describe_secret
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import ensure_plan
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import foreign_key_message
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import get_secret_string
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import get_user_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import key_age_days
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import key_snapshot
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import list_access_keys
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import missing_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import parse_stored_key
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import pending_value
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import put_secret_value
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import rotation_due
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import rotation_plan
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import secret_updates
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import secret_value
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import stray_key_ids
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import tag_secret
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import tag_user
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import third_key_message
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import untag_user
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.access_key import update_secret
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags


class KeyRun(object):
    """What one run of the module saw and did: the user's keys, the stored key, the mark, and the outcome so far
    (reported as is when a later step fails)."""

    def __init__(self, module, iam, secrets):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        self.iam = iam
        self.secrets = secrets
        self.keys = []
        self.stored = None
        self.stored_at_start = None
        self.returned = None
        self.pending = None
        self.outcome = dict(changed=False, created=False, deleted_key_ids=[])
        self.before = None

    def snapshot(self):
        return key_snapshot(self.keys, (self.stored or {}).get("access_key_id"), self.pending)

    def read(self):
        """The stored key, the user's mark and keys. A user that does not exist has no keys in check mode (the
        task before this one would create it) and fails the module otherwise."""
        name = self.params["secret_name"]
        self.stored = parse_stored_key(get_secret_string(self.secrets, name), name)
        tags = get_user_tags(self.iam, self.params["user_name"])
        if tags is None and not self.check_mode:
            raise KeyRefusal("The IAM user %s does not exist: create it first (amazon.aws.iam_user)." % self.params["user_name"])
        self.pending = (tags or {}).get(self.params["pending_tag"])
        self.keys = list_access_keys(self.iam, self.params["user_name"])
        self.stored_at_start = self.stored
        self.before = self.snapshot()

    def delete_key(self, key_id):
        if not self.check_mode:
            delete_access_key(self.iam, self.params["user_name"], key_id)
        self.keys = [k for k in self.keys if k["access_key_id"] != key_id]
        self.outcome["deleted_key_ids"].append(key_id)
        self.outcome["changed"] = True

    def mark(self, key_ids):
        value = pending_value(key_ids)
        if not self.check_mode:
            tag_user(self.iam, self.params["user_name"], self.params["pending_tag"], value)
        self.pending = value
        self.outcome["changed"] = True

    def clear_mark(self):
        if not self.check_mode:
            untag_user(self.iam, self.params["user_name"], self.params["pending_tag"])
        self.pending = None
        self.outcome["changed"] = True

    def store(self, key):
        """Store ``key`` as the secret's current version (creating the secret, or bringing its description, KMS key
        and tags to the wanted ones first)."""
        params = self.params
        name = params["secret_name"]
        description = params["description"]
        tags = ownership_tags(params["tags"])
        value = secret_value(key["access_key_id"], key["secret_access_key"])
        secret = describe_secret(self.secrets, name)
        if secret is None:
            create_secret(self.secrets, name, value, description or "Access key of the IAM user %s" % params["user_name"],
                          params["kms_key_id"], tags)
            return
        updates = secret_updates(secret, description, params["kms_key_id"])
        if updates:
            update_secret(self.secrets, name, updates)
        add = missing_tags(dict((t["Key"], t["Value"]) for t in secret.get("Tags", [])), tags)
        if add:
            tag_secret(self.secrets, name, add)
        put_secret_value(self.secrets, name, value)

    def create_and_store(self):
        """Mark the user with the keys that exist, create a key, delete what a lost answer left, store the key,
        clear the mark. Returns the new key (``None`` in check mode)."""
        user_name = self.params["user_name"]
        preexisting = [k["access_key_id"] for k in self.keys]
        self.mark(preexisting)
        self.outcome.update(created=True, changed=True)
        if self.check_mode:
            self.keys.append({"access_key_id": NEW_KEY, "status": "Active", "create_date": None})
            self.stored = {"access_key_id": NEW_KEY, "secret_access_key": None}
            self.clear_mark()
            return None
        key = create_access_key(self.iam, user_name)
        self.keys = list_access_keys(self.iam, user_name)
        for key_id in stray_key_ids([k["access_key_id"] for k in self.keys], preexisting, key["access_key_id"]):
            self.delete_key(key_id)
        self.store(key)
        self.stored = {"access_key_id": key["access_key_id"], "secret_access_key": key["secret_access_key"]}
        self.clear_mark()
        return key

    def ensure(self):
        """Delete what an interrupted run left; create and store a key when none is stored."""
        self.read()
        plan = ensure_plan([k["access_key_id"] for k in self.keys], (self.stored or {}).get("access_key_id"), self.pending)
        for key_id in plan["delete"]:
            self.delete_key(key_id)
        if plan["create"]:
            if len(self.keys) >= MAX_KEYS_PER_USER:
                raise KeyRefusal(third_key_message(self.params["user_name"], self.params["secret_name"]))
            self.create_and_store()
        elif plan["clear_mark"]:
            self.clear_mark()

    def rotate(self):
        """Resume the rotation that stopped, or delete the inactive previous key, then create and store a new key.
        Returns ``(resumed, replaced_key_id)``. In check mode the key returned stays the current one."""
        current = self.stored
        # The version before the current one: the key the secret held at the start when ensure stored a key (its
        # store made that one AWSPREVIOUS), else the AWSPREVIOUS version.
        previous = self.stored_at_start if self.outcome["created"] else self.previous_key()
        plan = rotation_plan(self.keys, current["access_key_id"], (previous or {}).get("access_key_id"))
        if plan["foreign"]:
            raise KeyRefusal(foreign_key_message(self.params["user_name"], self.params["secret_name"], plan["foreign"]))
        if plan["resume"]:
            return True, plan["replaced_key_id"]
        for key_id in plan["delete_inactive"]:
            self.delete_key(key_id)
        self.create_and_store()
        if self.check_mode:
            self.returned = current
        return False, "" if current["access_key_id"] == NEW_KEY else plan["replaced_key_id"]

    def previous_key(self):
        """The key of the secret's ``AWSPREVIOUS`` version (``None`` when there is none or it holds no key)."""
        try:
            return parse_stored_key(get_secret_string(self.secrets, self.params["secret_name"], "AWSPREVIOUS"), "")
        except KeyRefusal:
            return None

    def result(self):
        """The outcome, with the stored key and its age."""
        stored = self.returned or self.stored
        stored = stored if stored and stored["access_key_id"] != NEW_KEY else {}
        metadata = [k for k in self.keys if k["access_key_id"] == stored.get("access_key_id")]
        created = metadata[0].get("create_date") if metadata else None
        age = key_age_days(created, datetime.datetime.now(datetime.timezone.utc)) if created else 0
        output = dict(self.outcome, access_key=dict(stored), access_key_id=stored.get("access_key_id", ""),
                      age_days=age, rotation_due=rotation_due(age, self.params["max_age_days"]))
        if self.module._diff and self.before is not None:
            output["diff"] = dict(before=self.before, after=self.snapshot())
        return output


def main():
    argument_spec = dict(
        user_name=dict(type="str"),
        secret_name=dict(type="str", required=True, no_log=False),
        mode=dict(type="str", choices=["ensure", "read", "rotate"], default="ensure"),
        description=dict(type="str"),
        kms_key_id=dict(type="str", no_log=False),
        tags=dict(type="dict", default={}),
        pending_tag=dict(type="str", default=PENDING_TAG),
        max_age_days=dict(type="int", default=0),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("mode", "ensure", ("user_name",)), ("mode", "rotate", ("user_name",))],
    )
    if module.params["max_age_days"] < 0:
        module.fail_json(msg="max_age_days must be 0 (never due) or a positive number of days.")
    mode = module.params["mode"]
    retry = AWSRetry.jittered_backoff()
    secrets = module.client("secretsmanager", retry_decorator=retry)

    if mode == "read":
        try:
            stored = parse_stored_key(get_secret_string(secrets, module.params["secret_name"]), module.params["secret_name"])
        except KeyRefusal as e:
            module.fail_json(msg=e.msg)
        except AnsibleAWSError as e:
            module.fail_json_aws_error(e)
        module.exit_json(changed=False, access_key=stored or {}, access_key_id=(stored or {}).get("access_key_id", ""))

    run = KeyRun(module, module.client("iam", retry_decorator=retry), secrets)
    try:
        run.ensure()
        extra = {}
        if mode == "rotate":
            resumed, replaced = run.rotate()
            extra = dict(resumed=resumed, replaced_key_id=replaced)
    except KeyRefusal as e:
        module.fail_json(msg=e.msg, **run.outcome)
    except AnsibleAWSError as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.message, **run.outcome)
        module.fail_json(msg=e.message, **run.outcome)
    module.exit_json(**dict(run.result(), **extra))


if __name__ == "__main__":
    main()
