#!/usr/bin/env bash
# The cache key of the action's build: the runner's OS and architecture and
# the action's Cargo.lock (`hashFiles` only reads the workspace, not the
# action's own checkout).
set -euo pipefail
lock_hash=$(sha256sum "$ACTION_PATH/Cargo.lock" | cut -c1-32)
echo "key=testguard-action-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$lock_hash" >> "$GITHUB_OUTPUT"
