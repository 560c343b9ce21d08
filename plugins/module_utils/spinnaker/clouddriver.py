# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""clouddriver's configuration files for a spinnaker-kustomize install, pure part (plain data and YAML text).

Two ways to hand clouddriver its AWS accounts (docs/spinnaker.md says which facts they follow):

* a kustomize **component** the collection owns whole (``component_files``): a ConfigMap holding a
  ``clouddriver.yml`` with the ``aws:`` block, mounted by a JSON 6902 patch as one more source of clouddriver's
  projected ``config`` volume, at ``/opt/spinnaker/config/<config_dir>/clouddriver.yml``; clouddriver loads every
  ``/opt/spinnaker/config/*/`` directory (``spring.config.import`` of the kustomize base);
* a **merge** into the user's ``clouddriver-local.yml`` (``merge_local``), where the collection owns
  ``aws.enabled``, ``aws.defaultAssumeRole``, the managing key's two keys when it writes them, and the
  ``aws.accounts`` entries whose names it manages; every other key, entry and comment stays as it was (ruamel.yaml
  round trip).
"""

import io

try:
    import yaml
    HAS_YAML = True
except ImportError:  # the modules report it with missing_required_lib
    HAS_YAML = False

try:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.util import load_yaml_guess_indent
    HAS_RUAMEL = True
except ImportError:  # the modules report it with missing_required_lib
    HAS_RUAMEL = False

SECRET_ENGINE = "secrets-manager"
COMPONENT_API_VERSION = "kustomize.config.k8s.io/v1alpha1"


class ClouddriverConfigError(Exception):
    """A configuration file that cannot be merged into (not YAML, or ``aws``/``aws.accounts`` of the wrong type)."""


def secret_reference(region, secret_name, key):
    """A kork-secrets reference to one JSON key of a Secrets Manager secret, which clouddriver resolves at start-up:
    ``encrypted:secrets-manager!r:<region>!s:<secret name or ARN>!k:<key>``. The file that holds it never holds
    the secret. ``region``, ``secret_name``, ``key``: non-empty strings without ``!`` (the reference's separator).

    Raises ``ValueError`` for an empty part or one holding ``!``.
    """
    for label, value in (("region", region), ("secret name", secret_name), ("key", key)):
        if not value or "!" in str(value):
            raise ValueError("the secret reference's %s must be non-empty and hold no '!': %r" % (label, value))
    return "encrypted:%s!r:%s!s:%s!k:%s" % (SECRET_ENGINE, region, secret_name, key)


def provider_settings(default_assume_role, access_key_id=None, secret_access_key=None):
    """The provider-level keys of clouddriver's ``aws:`` block the collection owns, in file order.

    ``aws.enabled`` is always true (the AWS provider is off otherwise); ``defaultAssumeRole`` is always set (with no
    accounts and no default assume role clouddriver adds an account named ``default`` that uses the managing
    credentials directly). ``access_key_id``/``secret_access_key`` (the latter a ``secret_reference``) only when
    the managing identity is a user; IRSA and instance roles need neither.
    """
    settings = {"enabled": True, "defaultAssumeRole": default_assume_role}
    if access_key_id:
        settings["accessKeyId"] = access_key_id
        settings["secretAccessKey"] = secret_access_key
    return settings


def aws_document(settings, accounts, extra=None):
    """The whole ``clouddriver.yml`` of the component: ``{"aws": dict(settings, accounts=[...])}`` plus ``extra``,
    top-level keys to add (``account``/``credentials`` for the Account Management API, say), which must not hold
    ``aws``."""
    document = {"aws": dict(settings, accounts=list(accounts))}
    for key, value in (extra or {}).items():
        document[key] = value
    return document


def component_files(clouddriver_document, config_dir="spinnaker-aws", orca_document=None,
                    config_map_prefix="spinnaker-aws"):
    """The files of the kustomize component, as ``{relative path: text}``.

    ``kustomization.yml`` is a ``kind: Component`` that generates ConfigMap ``clouddriver-<prefix>`` from
    ``files/clouddriver.yml`` and adds it to the ``projected`` volume ``config`` (volume 0) of the
    ``apps/v1 Deployment clouddriver``, at ``<config_dir>/clouddriver.yml``: the pattern of the kustomize tree's own
    ``mysql`` and ``redis`` components. Kustomize rewrites the ConfigMap name to its hashed name there, so a
    changed file rolls clouddriver. With ``orca_document`` (``{"default": {"bake": {"account": NAME}}}``) the same
    is done for ``Deployment orca`` with ``files/orca.yml``.
    """
    generators, patches, files = [], [], {}
    services = [("clouddriver", clouddriver_document)]
    if orca_document is not None:
        services.append(("orca", orca_document))
    for service, document in services:
        name = "%s-%s" % (service, config_map_prefix)
        files["files/%s.yml" % service] = dump(document)
        generators.append({"name": name, "behavior": "create", "files": ["files/%s.yml" % service]})
        operation = [{
            "op": "add",
            "path": "/spec/template/spec/volumes/0/projected/sources/-",
            "value": {"configMap": {"name": name,
                                    "items": [{"key": "%s.yml" % service, "path": "%s/%s.yml" % (config_dir, service)}]}},
        }]
        patches.append({"target": {"group": "apps", "version": "v1", "kind": "Deployment", "name": service},
                        "patch": dump(operation)})
    kustomization = {
        "apiVersion": COMPONENT_API_VERSION,
        "kind": "Component",
        "configMapGenerator": generators,
        "patches": patches,
    }
    files["kustomization.yml"] = ("# Written by the spinnaker.aws collection (role spinnaker.aws.spinnaker_clouddriver): do not edit,\n"
                                  "# re-run the collection. Add this directory to your kustomization's components.\n"
                                  + dump(kustomization))
    return files


def dump(data):
    """Block-style YAML of plain data, keys in insertion order (what the component's files hold)."""
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False)


def same_content(old_text, new_text):
    """Whether two YAML texts hold the same data (comments and layout aside); ``old_text`` ``None`` means no file.
    An unparsable ``old_text`` differs."""
    if old_text is None:
        return False
    try:
        return yaml.safe_load(old_text) == yaml.safe_load(new_text)
    except yaml.YAMLError:
        return False


def accounts_by_name(document):
    """The ``aws.accounts`` of a parsed clouddriver file as ``{name: plain dict}`` (entries without a name are
    skipped: nothing can own them). Raises ``ClouddriverConfigError`` when ``aws`` or ``aws.accounts`` is not of
    the type clouddriver binds."""
    aws = (document or {}).get("aws") if isinstance(document, dict) else None
    if document is not None and not isinstance(document, dict):
        raise ClouddriverConfigError("the file is not a YAML mapping")
    if aws is None:
        return {}
    if not isinstance(aws, dict):
        raise ClouddriverConfigError("aws is not a mapping")
    accounts = aws.get("accounts")
    accounts = [] if accounts is None else accounts
    if not isinstance(accounts, list):
        raise ClouddriverConfigError("aws.accounts is not a list")
    return dict((str(a["name"]), plain(a)) for a in accounts if isinstance(a, dict) and a.get("name"))


def plain(value):
    """ruamel's commented containers as plain dicts and lists (for comparing)."""
    if isinstance(value, dict):
        return dict((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):  # ruamel's quoted strings, scalar ints and floats are subclasses
        if isinstance(value, kind):
            return kind(value)
    return value


def guess_indent(text):
    """The indentation a YAML text uses, as ruamel.yaml's ``(mapping, sequence, offset)``; ``(2, 2, 0)`` (dashes at
    their parent key's column) when the text gives no hint. ``mapping`` is read from the first nested mapping key,
    ``sequence``/``offset`` from ruamel.yaml's own guess."""
    mapping, sequence, offset = None, 2, 0
    lines = [line for line in (text or "").splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for above, below in zip(lines, lines[1:]):
        column = len(above) - len(above.lstrip())
        inner = len(below) - len(below.lstrip())
        if above.rstrip().endswith(":") and not above.lstrip().startswith("- ") and not below.lstrip().startswith("-") \
                and inner > column:
            mapping = inner - column
            break
    if text and text.strip():
        try:
            guessed_sequence, guessed_offset = load_yaml_guess_indent(text)[1:]
            sequence = guessed_sequence or sequence
            offset = guessed_offset if guessed_offset is not None else offset
        except Exception:  # unparsable text fails in load_local with a clear message
            pass
    mapping = mapping or 2
    return mapping, max(sequence, offset + 2), offset


def _round_trip(text=None):
    """A ruamel.yaml round-trip handler that writes with the indentation ``text`` uses (``guess_indent``)."""
    mapping, sequence, offset = guess_indent(text)
    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096
    handler.indent(mapping=mapping, sequence=sequence, offset=offset)
    return handler


def load_local(text):
    """Parse a ``clouddriver-local.yml`` for ``merge_local`` (``None`` or empty text: an empty mapping). Raises
    ``ClouddriverConfigError`` for text that is not YAML."""
    if not text or not text.strip():
        return CommentedMap()
    try:
        data = _round_trip().load(text)
    except Exception as e:  # ruamel raises several YAMLError subclasses
        raise ClouddriverConfigError("not YAML: %s" % e)
    return CommentedMap() if data is None else data


def _to_commented(value):
    if isinstance(value, dict):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = _to_commented(item)
        return result
    if isinstance(value, list):
        return CommentedSeq([_to_commented(v) for v in value])
    return value


def merge_local(text, settings, plan, remove_settings=()):
    """Apply a registration plan (module_utils.spinnaker.accounts.registration_plan) to the text of a
    ``clouddriver-local.yml``, keeping everything the collection does not own, comments included.

    ``settings``: the provider keys to set (``provider_settings``); ``remove_settings``: provider keys to remove
    when present (the managing key's two keys, once the collection no longer writes them). In ``aws.accounts``, an
    entry of ``plan["upsert"]`` replaces the keys of the entry of that name in place (keys it does not carry, which
    the plan kept from the file, stay untouched), or is appended; the entries named in ``plan["delete"]`` are
    removed. Returns the new text (the same text when nothing changed). Raises ``ClouddriverConfigError``.
    """
    data = load_local(text)
    if not isinstance(data, dict):
        raise ClouddriverConfigError("the file is not a YAML mapping")
    accounts_by_name(plain(data))  # type checks
    if "aws" not in data or data["aws"] is None:
        data["aws"] = CommentedMap()
    aws = data["aws"]
    for key, value in settings.items():
        if plain(aws.get(key)) != value:
            aws[key] = _to_commented(value)
    for key in remove_settings:
        if key in aws:
            del aws[key]
    if plan["upsert"] or plan["delete"]:
        if aws.get("accounts") is None:
            aws["accounts"] = CommentedSeq()
        accounts = aws["accounts"]
        for wanted in plan["upsert"]:
            entry = next((a for a in accounts if isinstance(a, dict) and a.get("name") == wanted["name"]), None)
            if entry is None:
                accounts.append(_to_commented(wanted))
                continue
            for key in [k for k in entry if k not in wanted]:
                del entry[key]
            for key, value in wanted.items():
                if plain(entry.get(key)) != value:
                    entry[key] = _to_commented(value)
        for name in plan["delete"]:
            for index in [i for i, a in enumerate(accounts) if isinstance(a, dict) and a.get("name") == name][::-1]:
                del accounts[index]
    stream = io.StringIO()
    _round_trip(text).dump(data, stream)
    new_text = stream.getvalue()
    if text and same_content(text, new_text) and plain(load_local(text)) == plain(load_local(new_text)):
        return text
    return new_text
