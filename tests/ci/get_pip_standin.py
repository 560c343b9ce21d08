"""Offline stand-in for the pip bootstrap script that ``ansible-test`` downloads.

ansible-test looks for ``~/.ansible/test/cache/get_pip_<version>.py`` before it downloads one from a host these
machines cannot reach. This stand-in does what that script is used for: ``python -m ensurepip``, then
``python -m pip install`` with the arguments it was given (dropping ``--no-setuptools`` and ``--no-wheel``, which
pip itself does not take).
"""

import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
