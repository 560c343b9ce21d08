# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The session of an IAM module: assume a role first when asked, and prove the account before any other call.

The options are those of the ``spinnaker.aws.session`` doc fragment (``SESSION_ARGUMENT_SPEC``). With
``assume_role_arn`` the module calls ``sts:AssumeRole`` with its connection's credentials and every client it
builds afterwards uses the temporary credentials (the same as a playbook task ``amazon.aws.sts_assume_role`` whose
result feeds ``access_key``/``secret_key``/``session_token``, without a module run of its own). AssumeRole's answer
names the session (``AssumedRoleUser.Arn``), so the check costs no call; without a role to assume,
``sts:GetCallerIdentity`` is asked (STS API Reference, "AssumeRole" and "GetCallerIdentity").
"""

try:
    import boto3
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing library

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

SESSION_ARGUMENT_SPEC = dict(
    assume_role_arn=dict(type="str"),
    role_session_name=dict(type="str", default="spinnaker-aws"),
    aws_account_id=dict(type="str"),
    aws_partition=dict(type="str"),
)


def session_mismatch(session_arn, account_id, partition=None, assumed_role_arn=None):
    """Return the error message when ``session_arn`` (an STS ARN, ``arn:PARTITION:sts::ACCOUNT:...``) is not in
    ``account_id`` (12 digits) or, when given, ``partition``; ``None`` when it is. Pure."""
    fields = (session_arn or "").split(":")
    have_partition = fields[1] if len(fields) > 4 else "?"
    have_account = fields[4] if len(fields) > 4 else "?"
    if have_account == str(account_id) and (not partition or have_partition == partition):
        return None
    fix = ("assume_role_arn (%s; aws_bootstrap_role_arn in the inventory)" % assumed_role_arn if assumed_role_arn
           else "the profile or ambient credentials (or set assume_role_arn; aws_bootstrap_role_arn in the inventory)")
    return ("The AWS session is %s, in account %s (%s), but aws_account_id is %s (%s). Nothing was written for this "
            "host. Fix %s, or aws_account_id if it is the wrong one."
            % (session_arn, have_account, have_partition, account_id, partition or "any partition", fix))


class SessionClients:
    """The AWS clients of one module run, all built from ONE boto3 Session.

    A boto3 Session loads botocore's endpoint data and each service model once; ``module.client`` (amazon.aws
    ``boto3_conn``) opens a new Session per client, which costs about 0.05 s of CPU per client in a module run and
    0.39 s against 0.04 s per further client when a run builds many (measured on a 2-core machine). The connection
    options (region, ``endpoint_url``, ``profile``, certificate checks, ``aws_config``) are the module's own, read
    with amazon.aws ``get_aws_connection_info``. ``credentials`` (STS's ``Credentials`` dict), once set (by
    ``open_session`` after ``sts:AssumeRole``), are used by every later client.
    """

    def __init__(self, module):
        self.module = module
        self.credentials = None
        self._session = None
        self._options = None

    def client(self, service, credentials=None, region=None):
        """Return a client of ``service`` (``"iam"``, ``"sts"``, ``"ec2"``...) whose calls retry with
        ``AWSRetry.jittered_backoff`` when given ``aws_retry=True``; ``credentials`` (STS's ``Credentials``) override
        the module's for this client, ``region`` the module's region. Fails the module ("Couldn't connect to AWS")
        on a bad option."""
        try:
            if self._session is None:
                region, endpoint_url, options = get_aws_connection_info(self.module)
                self._session = boto3.session.Session(profile_name=options.pop("profile_name", None))
                options["config"] = options.pop("aws_config", None)
                self._options = dict(options, region_name=region, endpoint_url=endpoint_url)
            options = dict(self._options)
            if region:
                options["region_name"] = region
            credentials = credentials or self.credentials
            if credentials:
                options.update(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                               aws_session_token=credentials["SessionToken"])
            return RetryingBotoClientWrapper(self._session.client(service, **options), AWSRetry.jittered_backoff())
        except (ValueError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg="Couldn't connect to AWS")


class SessionError(Exception):
    """The session cannot be opened, or is not in the account it must be in: ``msg``; ``exception`` (the botocore
    error, for ``fail_json_aws``) or ``extra`` (more keys of the failed result)."""

    def __init__(self, msg, exception=None, **extra):
        super(SessionError, self).__init__(msg)
        self.msg = msg
        self.exception = exception
        self.extra = extra


def open_session(module, clients):
    """Make ``module`` (an ``AnsibleAWSModule`` with ``SESSION_ARGUMENT_SPEC`` in its argument spec) call AWS in the
    account it was given, before it calls anything else. ``clients``: the run's ``SessionClients``; after an
    AssumeRole every client it builds uses the temporary credentials.

    With ``assume_role_arn``: one ``sts:AssumeRole``; the temporary credentials replace the module's
    ``access_key``/``secret_key``/``session_token`` (and ``profile``), so ``module.client()`` uses them, and they
    are added to the values Ansible masks in the module's output. With ``aws_account_id``: the session's account
    (and ``aws_partition``, when given) must match, else ``SessionError`` is raised before any other call (as it is
    when STS refuses the session). Returns ``{"arn", "account_id", "partition"}`` of the session, or ``None`` when neither option is set.
    """
    params = module.params
    if not params.get("assume_role_arn") and not params.get("aws_account_id"):
        return None
    sts = clients.client("sts")
    try:
        if params.get("assume_role_arn"):
            answer = sts.assume_role(RoleArn=params["assume_role_arn"], RoleSessionName=params["role_session_name"],
                                     aws_retry=True)
            creds = answer["Credentials"]
            module.no_log_values.update([creds["SecretAccessKey"], creds["SessionToken"]])
            params.update(access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                          session_token=creds["SessionToken"], profile=None)
            clients.credentials = creds
            arn = answer["AssumedRoleUser"]["Arn"]
        else:
            arn = sts.get_caller_identity(aws_retry=True)["Arn"]
    except Exception as e:  # pylint: disable=broad-except
        raise SessionError("Could not open the AWS session%s; nothing was written for this host." % (
            " by assuming %s" % params["assume_role_arn"] if params.get("assume_role_arn") else ""), exception=e) from e
    if params.get("aws_account_id"):
        message = session_mismatch(arn, params["aws_account_id"], params.get("aws_partition"), params.get("assume_role_arn"))
        if message:
            raise SessionError(message, field="aws_account_id", session_arn=arn)
    fields = arn.split(":")
    return dict(arn=arn, account_id=fields[4], partition=fields[1])
