#!/usr/bin/env bash
# Installs testguard from the action's own checkout into
# $ACTION_PATH/target/action-install (the cached folder) unless the cache
# restored it, and puts it on PATH for the next steps.
set -euo pipefail
root="$ACTION_PATH/target/action-install"
bin="$root/bin/testguard"
want=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ACTION_PATH/Cargo.toml" | head -1)
if [ -x "$bin" ] && "$bin" --version | grep -qx "testguard $want"; then
  echo "testguard $want restored from the cache"
else
  if ! command -v cargo >/dev/null 2>&1; then
    echo "::error title=testguard::cargo is not installed; add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action"
    exit 1
  fi
  cargo install --locked --quiet --path "$ACTION_PATH" --root "$root"
fi
"$bin" --version
echo "$root/bin" >> "$GITHUB_PATH"
