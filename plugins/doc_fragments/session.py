# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The session options of the IAM modules; the argument spec is SESSION_ARGUMENT_SPEC in module_utils/session.py.
    DOCUMENTATION = r"""
options:
  assume_role_arn:
    description:
      - An IAM role to assume (C(sts:AssumeRole)) with the connection's credentials before any other call; every
        call after it uses the role's temporary credentials.
      - The same as a task M(amazon.aws.sts_assume_role) whose result feeds O(access_key), O(secret_key) and
        O(session_token), without a module run of its own. C(site.yml) sets it from C(aws_bootstrap_role_arn).
    type: str
  role_session_name:
    description: The session name of O(assume_role_arn) (it appears in CloudTrail).
    type: str
    default: spinnaker-aws
  aws_account_id:
    description:
      - The 12-digit AWS account id every call must reach. The module asks which account its session is in
        (the answer of O(assume_role_arn), else C(sts:GetCallerIdentity)) and fails before any other call
        when it is another one.
    type: str
  aws_partition:
    description: With O(aws_account_id), the partition the session must be in as well (for example C(aws-cn)).
    type: str
"""
