# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run lock: one run at a time per managing account (pure: the lock record and the decisions on it).

IAM has no compare-and-swap: every merge into a shared document (the managing policy, a trust policy) is a
read-modify-write, and two runs that interleave lose one another's change. The run lock keeps two runs of the
collection's playbooks from interleaving. It is a Secrets Manager secret in the managing account whose creation is
the acquisition: ``CreateSecret`` of a name that exists fails with ``ResourceExistsException`` (Secrets Manager API
reference, CreateSecret), so exactly one of two runs that start together gets it. Its value is the record below;
releasing deletes it without a recovery window. A run that dies holding the lock (killed, or stopped by a play
whose every host failed) leaves it until it expires; a waiter then takes it over.

A record is a dict::

    {"holder": "site.yml on controller-1 (AWX job 42)", "token": "3f1c...", "acquired": 1767225600,
     "expires": 1767229200}

``acquired`` and ``expires`` are seconds since the epoch (UTC).
"""

import json

LOCK_VERSION = 1


def lock_record(holder, token, now, ttl):
    """The record a run writes when it takes the lock: ``holder`` (a description for people), ``token`` (random,
    proves the holder on release), ``now`` (epoch seconds) and ``ttl`` (seconds the lock lasts if never released)."""
    return {"version": LOCK_VERSION, "holder": holder, "token": token, "acquired": int(now), "expires": int(now + ttl)}


def parse_lock_record(text):
    """The record stored in the secret, or ``None`` when ``text`` is not one (a secret of that name the collection
    did not write: never taken over)."""
    try:
        record = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(record, dict) or not all(k in record for k in ("holder", "token", "acquired", "expires")):
        return None
    return record


# Clocks of two controllers may disagree this much (seconds) before a record counts as implausible.
CLOCK_SKEW = 300


def lock_decision(record, now, token=None, max_ttl=None):
    """What a run that wants the lock does about an existing secret: ``"held"`` (wait), ``"expired"`` (take it
    over: its holder is gone), ``"implausible"`` (take it over: it expires later than ``now + max_ttl`` plus
    ``CLOCK_SKEW``, which no run with a TTL up to ``max_ttl`` writes: a skewed clock or a forged record would
    otherwise block every run until then), ``"ours"`` (``token`` is its token: this run holds it already) or
    ``"foreign"`` (not a lock record: refuse)."""
    if record is None:
        return "foreign"
    if token and record.get("token") == token:
        return "ours"
    if now >= record["expires"]:
        return "expired"
    if max_ttl is not None and record["expires"] > now + max_ttl + CLOCK_SKEW:
        return "implausible"
    return "held"


def refreshed_record(record, now, ttl):
    """``record`` with its expiry moved to ``now + ttl`` (the holder refreshing its lock, so the TTL can stay short)."""
    return dict(record, expires=int(now + ttl))


def describe_holder(record, now):
    """``"site.yml on controller-1, for 12 minutes (expires in 48 minutes)"``, for messages."""
    held = max(0, int(now - record["acquired"])) // 60
    left = max(0, int(record["expires"] - now)) // 60
    return "%s, for %d minute(s) (it expires in %d minute(s))" % (record["holder"], held, left)
