#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: run_lock
version_added: 0.1.0
short_description: Take or release the run lock of a managing account, so that two runs never interleave
description:
  - IAM has no compare-and-swap, so two runs that merge into the same policy at the same moment can lose one
    another's change. The collection's playbooks take this lock in the managing account before their first write
    and release it at the end; a second run waits for the first.
  - The lock is a Secrets Manager secret (O(name)) whose creation is the acquisition (C(CreateSecret) fails for a
    name that exists); its value records the holder, a random token, and when the lock expires. Releasing deletes
    it without a recovery window, and only when the token is this run's.
  - A run that dies holding the lock leaves it until it expires (O(ttl)); a waiter then takes it over. A secret
    of that name that is not a lock record is never touched.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  name:
    description: Name of the lock's secret in the managing account.
    type: str
    default: spinnaker.aws/run-lock
  state:
    description: C(present) takes the lock (waiting up to O(timeout)), C(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  holder:
    description:
      - Who takes the lock, for the message another run shows while it waits (the playbook, the controller, the
        AWX job). Not a secret; never put credentials in it.
    type: str
    default: a spinnaker.aws run
  token:
    description:
      - The token RV(token) returned when this run took the lock. Required with O(state=absent) unless
        O(force); with O(state=present) a lock holding this token is already this run's (taking it again
        refreshes its expiry).
    type: str
  timeout:
    description: Seconds to wait for a lock another run holds before failing with its holder.
    type: int
    default: 900
  ttl:
    description:
      - Seconds after which a lock that was never released counts as abandoned and may be taken over. Each play
        of a run that takes the lock again with its O(token) refreshes it to now + O(ttl), so it only needs to be
        longer than the longest play.
    type: int
    default: 7200
  max_ttl:
    description:
      - The longest lifetime a lock may have. O(ttl) above it is refused; a lock record that expires later than
        now + O(max_ttl) (plus five minutes of clock skew) cannot come from a run and is taken over (a skewed
        clock, or a record forged by whoever may write the secret), reported in RV(taken_over).
    type: int
    default: 14400
  force:
    description:
      - With O(state=absent), release the lock by O(name) without its token (the operator's way to clear a lock
        whose run is gone, C(playbooks/release_run_lock.yml)). A secret of that name that is not a lock record is
        still never deleted.
    type: bool
    default: false
  poll_interval:
    description: Seconds between two attempts while waiting.
    type: int
    default: 5
  tags:
    description: Tags of the secret (the ownership tag C(managed-by=spinnaker.aws) is always added).
    type: dict
    default: {}
notes:
  - Supports check mode (nothing is taken or released; a lock another run holds is reported in RV(holder)) and
    diff mode (nothing to show).
  - Needs C(secretsmanager:CreateSecret), C(GetSecretValue), C(PutSecretValue), C(DeleteSecret) and
    C(TagResource) on the lock's secret in the managing account.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Take the run lock of the managing account
  spinnaker.aws.run_lock:
    holder: "site.yml on {{ lookup('ansible.builtin.pipe', 'hostname') }}"
  register: run_lock

- name: Release it
  spinnaker.aws.run_lock:
    state: absent
    token: "{{ run_lock.token }}"
"""

RETURN = r"""
token:
  description: The token of the lock this run holds (give it back with O(state=absent)). Not a secret.
  returned: with O(state=present), outside check mode
  type: str
  sample: 5b0c0e7e6a0f4f6c9d3e2a1b0c9d8e7f
waited:
  description: Seconds spent waiting for another run's lock.
  returned: with O(state=present)
  type: int
  sample: 0
holder:
  description:
    - The holder of the lock another run held when this one started waiting (or still holds, in check mode).
    - With O(force), the holder of the lock released by name.
  returned: when another run held the lock, or a lock was released by name
  type: str
  sample: site.yml on controller-1, for 3 minute(s) (it expires in 117 minute(s))
taken_over:
  description: The holder of an expired (or implausibly long-lived, see O(max_ttl)) lock this run took over.
  returned: when an expired or implausible lock was taken over
  type: str
released:
  description: Whether this run's lock was deleted.
  returned: with O(state=absent)
  type: bool
"""

import json
import time
import uuid

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import tag_list
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import describe_holder
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import lock_decision
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import lock_record
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import parse_lock_record
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import refreshed_record


def read_lock(client, name):
    """``(arn, record-or-None, raw text)`` of the lock's secret, or ``None`` when there is none."""
    try:
        secret = client.get_secret_value(aws_retry=True, SecretId=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    return secret["ARN"], parse_lock_record(secret.get("SecretString")), secret.get("SecretString")


def create_lock(client, name, record, tags):
    """Try to take the lock; ``True`` when this call created it, ``False`` when a secret of that name exists (or
    is still being deleted)."""
    try:
        client.create_secret(aws_retry=True, Name=name, SecretString=json.dumps(record), Tags=tag_list(tags),
                             Description="Run lock of the spinnaker.aws collection: %s" % record["holder"][:200])
        return True
    except is_boto3_error_code(["ResourceExistsException", "InvalidRequestException"]):
        # InvalidRequestException: "already scheduled for deletion", a lock released a moment ago.
        return False


def delete_lock(client, arn):
    """Delete the lock's secret by its ARN (a successor's secret has another ARN, so it is never hit)."""
    try:
        client.delete_secret(aws_retry=True, SecretId=arn, ForceDeleteWithoutRecovery=True)
    except is_boto3_error_code(["ResourceNotFoundException", "InvalidRequestException"]):
        pass


class LockError(Exception):
    """The lock cannot be taken or released: ``msg``, and ``extra`` for the failed result."""

    def __init__(self, msg, **extra):
        super(LockError, self).__init__(msg)
        self.msg = msg
        self.extra = extra


def acquire(module, client):
    """Take the lock, waiting up to ``timeout`` for another run's to go (an expired one is taken over). Returns
    the result: ``token`` when taken (or already ours), ``waited``, ``holder``, ``taken_over``. Raises
    ``LockError`` for a foreign secret of that name or when the wait times out, botocore errors as they come."""
    params = module.params
    start = time.time()
    token = uuid.uuid4().hex
    output = dict(changed=False, waited=0)
    while True:
        now = time.time()
        found = read_lock(client, params["name"])
        if found is not None:
            arn, record, _text = found
            decision = lock_decision(record, now, params["token"], params["max_ttl"])
            if decision == "ours":
                if not module.check_mode:
                    client.put_secret_value(aws_retry=True, SecretId=arn,
                                            SecretString=json.dumps(refreshed_record(record, time.time(), params["ttl"])))
                return dict(token=params["token"], **output)
            if decision == "foreign":
                raise LockError("A secret %s exists in this account and is not a spinnaker.aws run lock; it is left "
                                "as it is. Give the lock another name (option name)." % params["name"])
            if decision in ("expired", "implausible"):
                output["taken_over"] = describe_holder(record, now) + (
                    ": its expiry lies beyond now + max_ttl (a skewed clock or a forged record)" if decision == "implausible" else "")
                if not module.check_mode:
                    delete_lock(client, arn)
            else:
                output.setdefault("holder", describe_holder(record, now))
                if module.check_mode:
                    return output
                if now - start >= params["timeout"]:
                    raise LockError(
                        "Another run holds the run lock %s: %s. Waited %d seconds. Wait for it to end, or, if it is "
                        "no longer running, delete the secret %s in the managing account (it also expires by itself) "
                        "and re-run. In AWX, keep \"concurrent jobs\" off on the job templates."
                        % (params["name"], describe_holder(record, now), int(now - start), params["name"]),
                        **output)
                time.sleep(params["poll_interval"])
                output["waited"] = int(time.time() - start)
                continue
        if module.check_mode:
            return output
        if create_lock(client, params["name"], lock_record(params["holder"], token, time.time(), params["ttl"]),
                       ownership_tags(params["tags"])):
            output.update(changed=True, token=token, waited=int(time.time() - start))
            return output
        # Another run created it between our read and our create: read it again (and wait for it).


def release(module, client):
    """Release the lock when it is this run's (its record holds ``token``); another's is never deleted. Returns
    the result (``released``); raises ``LockError`` without a token."""
    params = module.params
    if not params["token"] and not params["force"]:
        raise LockError("token is required with state=absent: give the token the run got when it took the lock "
                        "(or force=true to release it by name).")
    found = read_lock(client, params["name"])
    if found is not None and found[1] is not None and params["force"]:
        if not module.check_mode:
            delete_lock(client, found[0])
        return dict(changed=True, released=True, holder=describe_holder(found[1], time.time()))
    if found is None or found[1] is None or found[1].get("token") != params["token"]:
        # Not this run's lock (none, a successor's after ours expired, or a foreign secret): never deleted.
        return dict(changed=False, released=False)
    if not module.check_mode:
        delete_lock(client, found[0])
    return dict(changed=True, released=True)


def main():
    argument_spec = dict(
        name=dict(type="str", default="spinnaker.aws/run-lock"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        holder=dict(type="str", default="a spinnaker.aws run"),
        token=dict(type="str", no_log=False),
        timeout=dict(type="int", default=900),
        ttl=dict(type="int", default=7200),
        max_ttl=dict(type="int", default=14400),
        force=dict(type="bool", default=False),
        poll_interval=dict(type="int", default=5),
        tags=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    for option in ("timeout", "ttl", "poll_interval"):
        if module.params[option] < (1 if option != "timeout" else 0):
            module.fail_json(msg="%s must be a positive number of seconds." % option)
    if module.params["ttl"] > module.params["max_ttl"]:
        module.fail_json(msg="ttl (%d) must not exceed max_ttl (%d) seconds." % (module.params["ttl"], module.params["max_ttl"]))
    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            output = acquire(module, client)
        else:
            output = release(module, client)
    except LockError as e:
        module.fail_json(msg=e.msg, **e.extra)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to %s the run lock %s" % (
            "take" if module.params["state"] == "present" else "release", module.params["name"]))
    module.exit_json(**output)


if __name__ == "__main__":
    main()
