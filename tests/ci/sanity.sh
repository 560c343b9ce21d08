#!/usr/bin/env bash
# ansible-test sanity, offline: copy the tracked files to .../ansible_collections/spinnaker/aws and run there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=$root/.venv/bin/python
# ansible-test names the cached bootstrap after the pip version it pins (get_venv_packages); read it from there.
pip_version=$("$py" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements as r
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(r.get_venv_packages)).group(1))
PY
)
mkdir -p ~/.ansible/test/cache
cp "$root/tests/ci/get_pip_standin.py" ~/.ansible/test/cache/get_pip_${pip_version//./_}.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/ansible_collections/spinnaker/aws
mkdir -p "$dest"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$dest/")
# Dependencies (doc fragments, module_utils) must sit beside the collection under test.
site=$("$py" -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(os.path.dirname(m.__path__[0])))')
for dep in amazon/aws community/aws; do
  mkdir -p "$work/ansible_collections/$(dirname $dep)"
  cp -r "$site/$dep" "$work/ansible_collections/$dep"
done
cd "$dest"
git init -q && git add -A >/dev/null
PATH=$root/.venv/bin:$PATH "$root/.venv/bin/ansible-test" sanity --python 3.11 --local --color no "$@"
