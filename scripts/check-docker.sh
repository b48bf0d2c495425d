#!/usr/bin/env bash
# Static checks of the container setup (no Docker engine needed):
#   - hadolint on the Dockerfile (fails on any finding at the default threshold)
#   - docker-compose.yml validated against the Compose specification schema
#     bundled with check-jsonschema (works offline).
# Run from anywhere; paths are resolved from the repository root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv_bin="${VENV_BIN:-$root/.venv/bin}"
for tool in hadolint check-jsonschema; do
    if [[ ! -x "$venv_bin/$tool" ]]; then
        echo "check-docker: $venv_bin/$tool not found; install dev deps: .venv/bin/pip install -e '.[dev]'" >&2
        exit 1
    fi
done

echo "check-docker: hadolint Dockerfile"
"$venv_bin/hadolint" Dockerfile

echo "check-docker: compose-spec schema on docker-compose.yml"
"$venv_bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml

echo "check-docker: OK"
