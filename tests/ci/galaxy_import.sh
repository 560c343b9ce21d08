#!/usr/bin/env bash
# Build the collection tarball and import it with galaxy-importer; any warning or error fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rm -rf build/dist && mkdir -p build/dist
.venv/bin/ansible-galaxy collection build --force --output-path build/dist .
log=build/dist/galaxy-importer.log
# Run from build/dist: the importer writes importer_result.json into its working directory.
(cd build/dist && GALAXY_IMPORTER_CONFIG=$root/tests/ci/galaxy-importer.cfg PATH="$root/.venv/bin:$PATH" \
  "$root/.venv/bin/python" -m galaxy_importer.main spinnaker-aws-*.tar.gz) > "$log" 2>&1 || { cat "$log"; exit 1; }
if grep -iE "^(WARNING|ERROR)|warning:|error:" "$log"; then
  echo "galaxy-importer reported the lines above"; exit 1
fi
tail -n 1 "$log"
