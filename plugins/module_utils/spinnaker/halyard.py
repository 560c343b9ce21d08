# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Halyard for spinnaker.aws: argv building, the halconfig model, output and exit-code mapping, and a runner.

The pure part (argv, desired/current account, diff, error mapping) works on plain data and is unit tested
without ``hal``. ``HalRunner`` is the imperative shell: it runs ``hal`` through ``module.run_command`` with a
configurable command prefix (``["hal"]``, ``["docker", "exec", "-i", "halyard", "hal"]``,
``["kubectl", "-n", "spinnaker", "exec", "-i", "halyard-0", "--", "hal"]``) and reads the halconfig through the
same prefix.

Halyard behaviour followed (spinnaker/halyard v1.70.0; the project's docs/halyard.md):

* ``account add`` fails when the name exists in ANY provider; ``--no-validate`` would silently save a duplicate,
  so it is never used.
* ``account edit`` keeps unset fields, replaces a list given with ``--regions``, and prints
  ``- No changes supplied.`` when nothing changes; no flag can reset a field to null.
* List flags swallow every following token up to the next ``-`` token, ``--regions`` splits tokens on commas
  without trimming, permission flags are not comma-split: the account name goes right after the verb and each
  region or permission is its own argv element.
* ``--secret-access-key`` without a value prompts and, with no terminal, reads ONE line from stdin.
* Exit codes: 0 success, 1 parse error, daemon unreachable or a failed validation, 3 another error inside a
  command, 7 interrupted or timed out.
"""

import hashlib
import hmac
import json
import os
import re

from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_account_id
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import parse_iam_arn

try:
    import yaml

    HAS_YAML = True
except ImportError:
    HAS_YAML = False

DEFAULT_HAL_COMMAND = ["hal"]
DEFAULT_HALCONFIG_PATH = "~/.hal/config"
DEFAULT_DAEMON_ENDPOINT = "http://localhost:8064"
ENCRYPTED_PREFIX = "encrypted:"
MASK = "********"

# Commercial, China, GovCloud and ISO region names: us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1.
REGION_RE = re.compile(r"^(?:[a-z]{2}|us-gov|us-iso[a-z]?|eu-isoe?)-[a-z]+-\d{1,2}$")
ASSUME_ROLE_RE = re.compile(r"^role/[\w+=,.@/-]{1,512}$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Module option -> (halconfig key, add/edit flag). Lists and permissions are handled on their own.
SCALAR_FIELDS = (
    ("account_id", "accountId", "--account-id"),
    ("assume_role", "assumeRole", "--assume-role"),
    ("external_id", "externalId", "--external-id"),
    ("environment", "environment", "--environment"),
    ("default_key_pair", "defaultKeyPair", "--default-key-pair"),
    ("edda", "edda", "--edda"),
    ("discovery", "discovery", "--discovery"),
    ("lambda_enabled", "lambdaEnabled", "--lambda-enabled"),
)
PERMISSION_FIELDS = (
    ("read_permissions", "READ", "read"),
    ("write_permissions", "WRITE", "write"),
)


def halyard_argument_spec():
    """The options every halyard_* module shares (documented in the ``spinnaker.aws.halyard`` doc fragment)."""
    return dict(
        hal_command=dict(type="list", elements="str", default=list(DEFAULT_HAL_COMMAND)),
        halconfig_path=dict(type="str", default=DEFAULT_HALCONFIG_PATH),
        deployment=dict(type="str"),
    )


class HalyardError(Exception):
    """A Halyard failure or bad input, with the remediation to show. ``field`` names the module option at fault."""

    def __init__(self, message, field=None, rc=None, stdout=None, stderr=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr


# ----------------------------------------------------------------------------------------------------------------
# Validation and the desired account
# ----------------------------------------------------------------------------------------------------------------


def validate_account_params(params):
    """Raise ``HalyardError`` naming the field for bad account options (before any hal call).

    ``params`` holds the ``halyard_aws_account`` options. Checks: account id is 12 digits; at least one region
    and each an AWS region name (clouddriver crashes on ``regions: []``); ``assume_role`` is ``role/NAME`` or a
    role ARN in the same account; the external id's STS format.
    """
    if params.get("state", "present") != "present":
        return
    account_id = params.get("account_id")
    if account_id is None or not is_account_id(str(account_id)):
        raise HalyardError(
            "account_id must be the 12-digit AWS account id as a string, got %r. Quote it in YAML "
            "('012345678901') so leading zeros are kept." % (account_id,),
            field="account_id",
        )
    regions = params.get("regions") or []
    if not regions:
        raise HalyardError("regions must list at least one AWS region (clouddriver fails to start on an empty list).", field="regions")
    for region in regions:
        if not REGION_RE.match(region):
            raise HalyardError(
                "regions: %r is not an AWS region name; write one region per item, e.g. us-east-1." % region, field="regions"
            )
    assume_role = params.get("assume_role")
    if not assume_role:
        raise HalyardError("assume_role is required: the role clouddriver assumes, e.g. role/spinnakerManaged.", field="assume_role")
    arn = parse_iam_arn(assume_role, ("role",)) if assume_role.startswith("arn:") else None
    if not ASSUME_ROLE_RE.match(assume_role) and not arn:
        raise HalyardError(
            "assume_role must be role/NAME (e.g. role/spinnakerManaged) or a role ARN, got %r." % assume_role,
            field="assume_role",
        )
    if arn and arn["account_id"] != str(account_id):
        raise HalyardError(
            "assume_role %s is in account %s but account_id is %s; clouddriver would assume a role in another account."
            % (assume_role, arn["account_id"], account_id),
            field="assume_role",
        )
    external_id = params.get("external_id")
    if external_id and not re.match(r"^[\w+=,.@:/-]{2,1224}$", external_id):
        raise HalyardError("external_id must be 2 to 1224 characters of letters, digits and +=,.@:/- .", field="external_id")


def desired_account(params):
    """Return the halconfig form (``providers.aws.accounts[]`` item) of the options that are set.

    Options left unset (``None``) are not part of the result: the module does not manage them, and Halyard has
    no flag to reset a field to null anyway.
    """
    account = {"name": params["name"]}
    for option, key, _flag in SCALAR_FIELDS:
        if params.get(option) is not None and not (option in UNSETTABLE_OPTIONS and params[option] == ""):
            value = params[option]
            account[key] = str(value) if option == "account_id" else value
    if params.get("regions") is not None:
        account["regions"] = [{"name": r} for r in params["regions"]]
    for option, key, _word in PERMISSION_FIELDS:
        if params.get(option) is not None:
            account.setdefault("permissions", {})[key] = list(params[option])
    return account


# Options whose empty string means "must not be set". Halyard's `account edit` has no flag that resets a field, so
# removing one takes deleting and re-adding the account (the Halyard CLI reference: `--external-id` only sets).
UNSETTABLE_OPTIONS = {"external_id": "externalId"}


def fields_to_unset(current, params):
    """The halconfig keys ``current`` (an account dict, or ``None``) holds that ``params`` asks to be absent (an
    empty string for an option of ``UNSETTABLE_OPTIONS``); returns a sorted list."""
    if not current:
        return []
    return sorted(key for option, key in UNSETTABLE_OPTIONS.items() if params.get(option) == "" and current.get(key) not in (None, ""))


def readded_account(current, desired, unset):
    """The account to add again after deleting ``current`` to drop the keys ``unset``: every managed field of
    ``current`` (so nothing the module does not manage is lost), overridden by ``desired``, without ``unset``."""
    known = set(key for _option, key, _flag in SCALAR_FIELDS) | {"name", "regions", "permissions"}
    account = dict((k, v) for k, v in current.items() if k in known and k not in unset and v is not None)
    account.update(desired)
    return account


def _region_names(account):
    return [r["name"] if isinstance(r, dict) else r for r in account.get("regions") or []]


def account_differences(current, desired):
    """Return the keys of ``desired`` whose values differ from ``current`` (both halconfig account dicts).

    Regions and permissions compare as sets (their order has no meaning to clouddriver or Fiat); account ids
    compare as strings; other values as they are.
    """
    changed = []
    for _option, key, _flag in SCALAR_FIELDS:
        if key in desired:
            have = current.get(key)
            if key == "accountId" and have is not None:
                have = str(have)
            if have != desired[key]:
                changed.append(key)
    if "regions" in desired and set(_region_names(current)) != set(_region_names(desired)):
        changed.append("regions")
    for _option, key, _word in PERMISSION_FIELDS:
        if key in desired.get("permissions", {}):
            have = (current.get("permissions") or {}).get(key) or []
            if set(have) != set(desired["permissions"][key]):
                changed.append("permissions." + key)
    return changed


def merged_account(current, desired):
    """Return the account as it will be after ``desired`` is applied to ``current`` (for results and diffs)."""
    result = dict(current or {})
    for key, value in desired.items():
        if key == "permissions":
            permissions = dict(result.get("permissions") or {})
            permissions.update(value)
            result["permissions"] = permissions
        else:
            result[key] = value
    return result


# ----------------------------------------------------------------------------------------------------------------
# argv
# ----------------------------------------------------------------------------------------------------------------


def _flag_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _deployment_args(deployment):
    return ["--deployment", deployment] if deployment else []


def account_add_argv(desired, deployment=None):
    """Return the argv (after the hal command) that adds ``desired`` (halconfig form).

    The account name comes right after ``add``; each region and permission is its own element; never
    ``--no-validate`` (it would save a duplicate name). Secrets are never part of an account.
    """
    argv = ["config", "provider", "aws", "account", "add", desired["name"]]
    for _option, key, flag in SCALAR_FIELDS:
        if key in desired:
            argv += [flag, _flag_value(desired[key])]
    if desired.get("regions"):
        argv += ["--regions"] + _region_names(desired)
    for _option, key, word in PERMISSION_FIELDS:
        values = (desired.get("permissions") or {}).get(key)
        if values:
            argv += ["--%s-permissions" % word] + list(values)
    return argv + _deployment_args(deployment)


def account_edit_argvs(current, desired, deployment=None):
    """Return the argvs that turn ``current`` into ``desired``: one ``edit`` with only the differing fields.

    Regions are replaced with ``--regions``. A permission set is replaced with ``--read-permissions`` /
    ``--write-permissions``; emptying one takes a ``--remove-*-permission`` per value, and since Halyard takes
    one such flag per call, each extra value costs one more ``edit``. Returns ``[]`` when nothing differs.
    """
    differences = account_differences(current, desired)
    if not differences:
        return []
    base = ["config", "provider", "aws", "account", "edit", desired["name"]]
    argv = list(base)
    extra = []
    for _option, key, flag in SCALAR_FIELDS:
        if key in differences:
            argv += [flag, _flag_value(desired[key])]
    if "regions" in differences:
        argv += ["--regions"] + _region_names(desired)
    for _option, key, word in PERMISSION_FIELDS:
        if "permissions." + key in differences:
            wanted = desired["permissions"][key]
            if wanted:
                argv += ["--%s-permissions" % word] + list(wanted)
            else:
                have = (current.get("permissions") or {}).get(key) or []
                removals = [["--remove-%s-permission" % word, value] for value in have]
                argv += removals[0]
                extra += [base + removal + _deployment_args(deployment) for removal in removals[1:]]
    return [argv + _deployment_args(deployment)] + extra


def account_delete_argv(name, deployment=None):
    """Return the argv that deletes the AWS account ``name``."""
    return ["config", "provider", "aws", "account", "delete", name] + _deployment_args(deployment)


def provider_toggle_argv(enabled, deployment=None):
    """Return the argv of ``hal config provider aws enable`` or ``disable``."""
    return ["config", "provider", "aws", "enable" if enabled else "disable"] + _deployment_args(deployment)


def provider_edit_argv(access_key_id=None, secret=False, deployment=None):
    """Return the argv of ``hal config provider aws edit``. With ``secret``, ``--secret-access-key`` comes
    with NO value: Halyard then prompts and reads the secret from stdin, so it never appears in argv or ``ps``."""
    argv = ["config", "provider", "aws", "edit"]
    if access_key_id is not None:
        argv += ["--access-key-id", access_key_id]
    argv += _deployment_args(deployment)
    if secret:
        argv.append("--secret-access-key")
    return argv


def deploy_apply_argv(service_names=None, exclude_service_names=None, wait_for_completion=False, deployment=None):
    """Return the argv of ``hal deploy apply`` (service lists as one element per service)."""
    argv = ["deploy", "apply"]
    if service_names:
        argv += ["--service-names"] + list(service_names)
    if exclude_service_names:
        argv += ["--exclude-service-names"] + list(exclude_service_names)
    if wait_for_completion:
        argv.append("--wait-for-completion")
    return argv + _deployment_args(deployment)


# ----------------------------------------------------------------------------------------------------------------
# The halconfig model
# ----------------------------------------------------------------------------------------------------------------


def parse_halconfig(text):
    """Parse halconfig YAML text; an empty or missing file gives ``{}``. Raises ``HalyardError`` on bad YAML."""
    if not text or not text.strip():
        return {}
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise HalyardError("The halconfig is not valid YAML: %s" % e, field="halconfig_path")
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise HalyardError("The halconfig is not a YAML mapping.", field="halconfig_path")
    return document


def get_deployment(halconfig, name=None):
    """Return the deployment configuration ``name`` (default ``currentDeployment``), or ``None``."""
    name = name or halconfig.get("currentDeployment") or "default"
    for deployment in halconfig.get("deploymentConfigurations") or []:
        if deployment.get("name") == name:
            return deployment
    return None


def get_aws_provider(halconfig, deployment=None):
    """Return ``providers.aws`` of the deployment (``{}`` when absent)."""
    found = get_deployment(halconfig, deployment)
    return ((found or {}).get("providers") or {}).get("aws") or {}


def config_digest(halconfig, deployment=None):
    """The SHA-256 (hex) of one deployment's configuration, in a canonical JSON form (keys sorted), so that a
    re-read or a re-ordered file gives the same digest. ``{}`` when the deployment does not exist yet.

    ``spinnaker.aws.halyard_deploy`` records it after a successful ``hal deploy apply`` and compares it on the
    next run: a config changed by a run that failed or was killed before its deploy is applied by the next run.
    """
    config = (get_deployment(halconfig, deployment) if halconfig else None) or {}
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_aws_account(halconfig, name, deployment=None):
    """Return the AWS account ``name`` from the halconfig, or ``None``. Raises ``HalyardError`` when the name
    is there more than once (what ``add --no-validate`` leaves behind)."""
    accounts = [a for a in get_aws_provider(halconfig, deployment).get("accounts") or [] if a.get("name") == name]
    if len(accounts) > 1:
        raise HalyardError(
            'More than one account named "%s" was found in the halconfig (left by an add with --no-validate); '
            "remove the duplicates with hal config provider aws account delete, then re-run." % name,
            field="name",
        )
    return accounts[0] if accounts else None


def provider_using_account_name(halconfig, name, deployment=None):
    """Return the name of another provider (not aws) that already has an account ``name``, or ``None``.
    Halyard refuses a name used by any provider ("Account NAME appears more than once")."""
    found = get_deployment(halconfig, deployment)
    for provider, config in sorted(((found or {}).get("providers") or {}).items()):
        if provider == "aws" or not isinstance(config, dict):
            continue
        if any(isinstance(a, dict) and a.get("name") == name for a in config.get("accounts") or []):
            return provider
    return None


def secret_needs_write(current_secret, new_secret, key_id_changed, update_secret):
    """Decide whether the provider's secret access key must be written.

    ``current_secret`` is what the halconfig holds (plain text, an ``encrypted:`` reference, or ``None``).
    Written when: ``update_secret == "always"``; no secret is stored; the access key id changes (a new key
    always has a new secret); or the stored secret is plain text and differs (compared in constant time).
    An ``encrypted:`` reference cannot be read back, so with ``on_create`` it is kept.
    """
    if new_secret is None:
        return False
    if update_secret == "always" or not current_secret or key_id_changed:
        return True
    if str(current_secret).startswith(ENCRYPTED_PREFIX):
        return False
    return not hmac.compare_digest(str(current_secret).encode("utf-8"), new_secret.encode("utf-8"))


def dump_yaml(value):
    """YAML text for diffs (block style, keys in the order given)."""
    if value is None:
        return ""
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=False)


# ----------------------------------------------------------------------------------------------------------------
# Output and exit codes
# ----------------------------------------------------------------------------------------------------------------


def clean_output(text):
    """Strip ANSI colour codes and trailing blanks from hal output."""
    return ANSI_RE.sub("", text or "").strip()


def hal_error_message(argv, rc, stdout, stderr, hal_command=None):
    """Map a failed hal run to a clear message.

    Recognised: the daemon unreachable (names the endpoint, suggests ``hal --ready``), a name used more than
    once, a missing account, a parse error (exit 1 with a JCommander message), hal not found at the command
    prefix (exit 126/127 from the shell, docker or kubectl). Otherwise the ``! ERROR`` and ``?`` lines.
    """
    out = clean_output(stdout)
    err = clean_output(stderr)
    text = "\n".join(t for t in (err, out) if t)
    command = " ".join((hal_command or DEFAULT_HAL_COMMAND) + list(argv))
    if rc in (126, 127) or "executable file not found" in text or "command not found" in text:
        return "hal was not found or is not executable at hal_command %s: %s" % (hal_command or DEFAULT_HAL_COMMAND, text)
    match = re.search(r"Failed to connect to (\S+)", text)
    if match or "Is your daemon running?" in text:
        endpoint = match.group(1) if match else DEFAULT_DAEMON_ENDPOINT
        return (
            "Halyard's daemon is not reachable at %s. Start it (hal runs a daemon on port 8064) and check with "
            "'hal --ready' where hal_command runs. Command: %s" % (endpoint, command)
        )
    if "appears more than once" in text:
        return "An account with this name already exists in Halyard (names are unique across all providers): %s" % text
    errors = [line[len("! ERROR"):].strip() for line in text.splitlines() if line.startswith("! ERROR")]
    hints = [line[1:].strip() for line in text.splitlines() if line.startswith("?")]
    if errors:
        message = "; ".join(errors)
        if hints:
            message += " (%s)" % "; ".join(hints)
        return "hal failed (exit %d): %s. Command: %s" % (rc, message, command)
    kinds = {1: "hal rejected the command", 3: "hal failed inside the command", 7: "hal was interrupted or timed out"}
    return "%s (exit %d): %s. Command: %s" % (kinds.get(rc, "hal failed"), rc, text or "no output", command)


# ----------------------------------------------------------------------------------------------------------------
# The runner (the imperative shell)
# ----------------------------------------------------------------------------------------------------------------


class HalRunner:
    """Runs hal commands and reads the halconfig through ``hal_command``'s prefix.

    ``module`` is an ``AnsibleModule`` whose params hold ``hal_command`` (a list, the last element being hal),
    ``halconfig_path`` and ``deployment``. Every command run is kept in ``commands`` (argv lists; secrets are
    never in argv, they go on stdin).
    """

    def __init__(self, module):
        self.module = module
        self.hal_command = list(module.params.get("hal_command") or DEFAULT_HAL_COMMAND)
        self.halconfig_path = module.params.get("halconfig_path") or DEFAULT_HALCONFIG_PATH
        self.deployment = module.params.get("deployment")
        self.commands = []

    @property
    def prefix(self):
        """The part of ``hal_command`` that reaches hal's host (``[]`` when hal is local)."""
        return self.hal_command[:-1]

    def check_hal_available(self):
        """Raise ``HalyardError`` when the first element of ``hal_command`` is not an executable on PATH."""
        if not self.module.get_bin_path(self.hal_command[0]) and not os.access(self.hal_command[0], os.X_OK):
            raise HalyardError(
                "hal_command: %r was not found on PATH. Install Halyard, or set hal_command to how hal is reached, "
                'e.g. ["docker", "exec", "-i", "halyard", "hal"].' % self.hal_command[0],
                field="hal_command",
            )

    def read_halconfig(self):
        """Return the parsed halconfig (``{}`` when the file does not exist yet).

        Read directly when hal is local, otherwise with ``cat`` through the prefix (``~`` is the hal side's
        ``$HOME``).
        """
        if not self.prefix:
            path = os.path.expanduser(self.halconfig_path)
            if not os.path.exists(path):
                return {}
            with open(path) as handle:
                return parse_halconfig(handle.read())
        if self.halconfig_path.startswith("~/"):
            read = ["sh", "-c", 'cat -- "$HOME/$1"', "sh", self.halconfig_path[2:]]
        else:
            read = ["cat", "--", self.halconfig_path]
        rc, out, err = self.module.run_command(self.prefix + read)
        if rc != 0:
            if "No such file" in err:
                return {}
            raise HalyardError(
                "Could not read the halconfig %s through %s (exit %d): %s"
                % (self.halconfig_path, " ".join(self.prefix), rc, clean_output(err)),
                field="halconfig_path",
            )
        return parse_halconfig(out)

    def run(self, argv, stdin=None):
        """Run ``hal_command + argv``; return stdout. ``stdin`` (a secret) is fed as one line and never logged.
        Raises ``HalyardError`` with a mapped message on a non-zero exit."""
        self.commands.append(list(argv))
        data = None if stdin is None else stdin + "\n"
        try:
            rc, out, err = self.module.run_command(self.hal_command + list(argv), data=data, binary_data=True)
        except OSError as e:  # pragma: no cover - run_command reports most of these itself
            raise HalyardError("hal could not be started at hal_command %s: %s" % (self.hal_command, e), field="hal_command")
        if rc != 0:
            raise HalyardError(hal_error_message(argv, rc, out, err, self.hal_command), rc=rc, stdout=out, stderr=err)
        return out

    def execute(self, argv, stdin=None):
        """``run`` outside check mode; in check mode only record ``argv`` as a command that would run."""
        if self.module.check_mode:
            self.commands.append(list(argv))
            return ""
        return self.run(argv, stdin=stdin)

    def masked_commands(self):
        """The commands run (or to run), each as one string with the hal command first."""
        return [" ".join(self.hal_command + c) for c in self.commands]
