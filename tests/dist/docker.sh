#!/bin/sh
# docker.sh - the Dockerfile: builds the image and runs it (--version, a
# scenario mounted from the host, with the JUnit report written back), then
# removes it. ci/test runs it once; it is no CTest test, since each build
# folder would build the same image again.
#
#   sh tests/dist/docker.sh SOURCE_DIR
#
# Exit 0 passed, 1 failed, 77 skipped with the reason: no docker command, no
# daemon reachable, or no base image (DEBIAN_IMAGE, default debian:12-slim)
# to be had, as where no registry but Debian's and npm's can be reached.
set -u
src=$(cd "$1" && pwd)
base=${DEBIAN_IMAGE:-debian:12-slim}
image=mockrun-ci-test:$$
say() { printf 'docker: %s\n' "$*"; }

if ! command -v docker >/dev/null 2>&1; then
    say "skipped: no docker command"
    exit 77
fi
if ! docker info >/dev/null 2>&1; then
    say "skipped: no Docker daemon reachable ($(docker info 2>&1 | grep -m 1 -i 'cannot\|error' || echo 'docker info failed'))"
    exit 77
fi
if ! docker image inspect "$base" >/dev/null 2>&1 && ! docker pull -q "$base" >/dev/null 2>&1; then
    say "skipped: the base image $base is not here and cannot be pulled (no registry reachable?)"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-docker.XXXXXX") || exit 2
trap 'rm -rf "$tmp"; docker rmi -f "$image" >/dev/null 2>&1' EXIT
fail=0

commit=$(git -C "$src" describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null || echo unknown)
say "building $image from $base"
if ! docker build -q -t "$image" --build-arg DEBIAN_IMAGE="$base" \
    --build-arg MOCKRUN_COMMIT="$commit" "$src" >"$tmp/build.log" 2>&1; then
    say "docker build failed:"
    cat "$tmp/build.log"
    exit 1
fi

docker run --rm "$image" --version >"$tmp/version" 2>&1 || fail=1
head -n 1 "$tmp/version" | grep -Eq '^mockrun [0-9]+\.[0-9]+\.[0-9]+' || fail=1
grep -qx "commit $commit" "$tmp/version" || fail=1
[ "$fail" -eq 0 ] || { say "docker run $image --version: $(cat "$tmp/version")"; }

# A scenario from the host, run as the host's user, the report written back.
cat >"$tmp/smoke.json" <<'JSON'
{ "services": { "api": { "routes": [ { "id": "ping", "request": { "path": "/ping" },
    "response": { "json": { "ok": true } } } ] } },
  "expect": [ { "route": "ping", "times": 0 } ] }
JSON
if ! docker run --rm --user "$(id -u):$(id -g)" -v "$tmp:/work" "$image" smoke.json -- \
    sh -c 'test -n "$MOCKRUN_API_URL"' >"$tmp/run.log" 2>&1; then
    say "docker run $image smoke.json failed:"
    cat "$tmp/run.log"
    fail=1
fi
[ -f "$tmp/mockrun-junit.xml" ] || { say "no JUnit report in the mounted folder"; fail=1; }

[ "$fail" -eq 0 ] && say "ok: $image built, --version and a scenario run"
exit "$fail"
