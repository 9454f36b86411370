#!/bin/sh
# run.sh - CTest's entry to the WireMock conformance test (conformance.wiremock).
#
#   sh tests/conformance/wiremock/run.sh MOCKRUN SOURCE_DIR NPM_PREFIX [run.js options...]
#
# Skips (exit 77) when node, npm or java is missing. Installs the pinned npm
# package `wiremock` (which bundles WireMock's standalone jar) into
# NPM_PREFIX when it is not there yet (once; later runs reuse it), then runs
# run.js with that jar. Exit status: run.js's, 77 for a skip, 2 when the
# install fails.
set -u

WIREMOCK_VERSION=3.13.2

if [ $# -lt 3 ]; then
    echo "usage: sh run.sh MOCKRUN SOURCE_DIR NPM_PREFIX [run.js options...]" >&2
    exit 2
fi
mockrun=$1
prefix=$3
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
shift 3
here=$(cd "$(dirname "$0")" && pwd)

for tool in node npm java; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "conformance.wiremock: skipped: '$tool' is not in PATH (the WireMock oracle needs Node.js, npm and Java 11 or later)"
        exit 77
    fi
done

jar=$prefix/node_modules/wiremock/build/wiremock-standalone-$WIREMOCK_VERSION.jar
if [ ! -f "$jar" ]; then
    echo "conformance.wiremock: installing wiremock@$WIREMOCK_VERSION into $prefix"
    mkdir -p "$prefix" || exit 2
    log=$prefix/npm-install.log
    if ! npm install --no-audit --no-fund --prefix "$prefix" \
        "wiremock@$WIREMOCK_VERSION" >"$log" 2>&1 || [ ! -f "$jar" ]; then
        tail -n 30 "$log"
        echo "conformance.wiremock: error: 'npm install wiremock@$WIREMOCK_VERSION' failed (log above and in $log); the npm registry must be reachable"
        exit 2
    fi
fi

exec node "$here/run.js" --mockrun "$mockrun" --jar "$jar" "$@"
