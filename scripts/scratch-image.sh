#!/usr/bin/env bash
# Builds a `FROM scratch` container image holding only the authconform binary and the shared
# libraries `ldd` lists (what the Dockerfile's runtime stage amounts to, without pulling a base
# image), then runs the built-in suites inside it with no checkout present: the binary must carry
# its suites, profiles and requirement catalogue. Needs buildah (Debian package) and root.
# Usage: scripts/scratch-image.sh [BINARY] [IMAGE]   (default: target/release/authconform, authconform:scratch)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-"$root/target/release/authconform"}
image=${2:-authconform:scratch}
[ -x "$binary" ] || { echo "no binary at $binary (cargo build --release)" >&2; exit 2; }
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs} BUILDAH_ISOLATION=chroot
ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$(buildah mount "$ctr")
install -D -m 0755 "$binary" "$mnt/usr/local/bin/authconform"
# The dynamic loader and every library it would load, at the same paths.
ldd "$binary" | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]+ \(/ {print $1}' | sort -u | while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$mnt$lib"
done
install -d -m 1777 "$mnt/tmp"
install -d -m 0755 -o 65534 -g 65534 "$mnt/work"
buildah umount "$ctr" >/dev/null
buildah config --entrypoint '["/usr/local/bin/authconform"]' --cmd 'run' --user 65534:65534 \
  --workingdir /work --env HOME=/tmp --env CI=true --label org.opencontainers.image.title=authconform "$ctr"
buildah commit --quiet "$ctr" "$image" >/dev/null
echo "built $image ($(du -sh "$binary" | cut -f1) binary and $(ldd "$binary" | grep -c '/') libraries)"
# Inside: only the binary and its libraries; the built-in suites against the embedded server.
buildah run --isolation chroot "$ctr" -- /usr/local/bin/authconform --version
set +e
buildah run --isolation chroot --user 65534:65534 "$ctr" -- /usr/local/bin/authconform run -q > "$root/target/scratch-image-run.log" 2>&1
status=$?
set -e
tail -n 3 "$root/target/scratch-image-run.log"
[ "$status" -eq 0 ] || { echo "the built-in suites inside the scratch image exited $status" >&2; tail -n 40 "$root/target/scratch-image-run.log" >&2; exit 1; }
echo "the built-in suites passed inside $image (no checkout present)"
