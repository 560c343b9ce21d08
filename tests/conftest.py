"""Make this checkout importable as ``ansible_collections.spinnaker.aws``.

ansible-core loads collections from ``<path>/ansible_collections/<namespace>/<name>``; the tests use the same
layout, a symlink under ``build/collections`` to the checkout, so that the modules import their module_utils
exactly as they do when Ansible runs them. amazon.aws and community.aws come from the ``ansible`` package in
site-packages (``ansible_collections`` is a namespace package, so both roots merge).
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "spinnaker", "aws")

if not os.path.lexists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
