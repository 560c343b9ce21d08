"""Helpers for tests that run the Halyard emulator (``tests/halyard/hal``, a test double of Halyard's CLI)."""

import json
import os
import sys

import yaml

HAL_DIR = os.path.dirname(os.path.abspath(__file__))
HAL = os.path.join(HAL_DIR, "hal")


class Emulator:
    """One emulated Halyard: a home with ``.hal/config``, the argv log, and the daemon-down switch."""

    def __init__(self, home):
        self.home = str(home)

    @property
    def env(self):
        """Environment that puts the emulator first on PATH (run by this interpreter, which has PyYAML)."""
        path = os.pathsep.join([HAL_DIR, os.path.dirname(sys.executable), os.environ.get("PATH", "")])
        return {"HAL_EMULATOR_HOME": self.home, "PATH": path}

    @property
    def config_path(self):
        return os.path.join(self.home, ".hal", "config")

    def halconfig(self):
        with open(self.config_path) as handle:
            return yaml.safe_load(handle)

    def write_halconfig(self, document):
        os.makedirs(os.path.dirname(self.config_path), exist_ok=True)
        with open(self.config_path, "w") as handle:
            yaml.safe_dump(document, handle, sort_keys=False)

    def aws(self, deployment="default"):
        for config in self.halconfig()["deploymentConfigurations"]:
            if config["name"] == deployment:
                return config["providers"]["aws"]
        raise KeyError(deployment)

    def invocations(self):
        """Every argv hal was called with, oldest first."""
        path = os.path.join(self.home, ".hal", "emulator-invocations.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as handle:
            return [json.loads(line)["argv"] for line in handle if line.strip()]

    def writes(self):
        """The invocations that may change the halconfig (everything but get/list/--ready)."""
        return [a for a in self.invocations() if a[:1] != ["--ready"] and not (len(a) > 4 and a[4] in ("get", "list"))]

    def set_daemon_down(self, down=True):
        path = os.path.join(self.home, ".hal", "emulator-daemon-down")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if down:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)

    def fail_once(self, command):
        """Make the next hal invocation that starts with ``command`` (a string, e.g. "deploy apply") fail."""
        path = os.path.join(self.home, ".hal", "emulator-fail-once")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(command)
