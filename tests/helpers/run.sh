#!/bin/sh
# run.sh - the helpers of helpers/ tested end to end with the real runner.
#
#   sh tests/helpers/run.sh jest|mocha|pytest MOCKRUN SOURCE_DIR NPM_PREFIX
#
# Runs the runner's two-test suite in tests/helpers/RUNNER/ under mockrun
# (scenario.json here): one test lists the items, the other calls a path no
# route serves; the console and the JUnit report must name that test, a
# count must name both, and no route may see the X-Mockrun-Test header.
# Jest and Mocha are installed, pinned, into NPM_PREFIX (once); pytest and
# requests are Debian's (ci/setup). Exit 77 (skipped, with a message) when
# node/npm or the Python modules are missing; 2 when the install fails.
set -u

JEST_VERSION=29.7.0
MOCHA_VERSION=10.7.3

if [ $# -ne 4 ]; then
    echo "usage: sh run.sh jest|mocha|pytest MOCKRUN SOURCE_DIR NPM_PREFIX" >&2
    exit 2
fi
runner=$1
mockrun=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
src=$(cd "$3" && pwd)
prefix=$4
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
here=$src/tests/helpers
name=helpers.$runner

# npm_install PACKAGE VERSION: the pinned package in $prefix, installed when missing
npm_install() {
    for tool in node npm; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "$name: skipped: '$tool' is not in PATH"
            exit 77
        fi
    done
    have=$(node -e 'try { console.log(require(process.argv[1]).version) } catch (e) {}' \
        "$prefix/node_modules/$1/package.json" 2>/dev/null)
    [ "$have" = "$2" ] && return 0
    echo "$name: installing $1@$2 into $prefix"
    mkdir -p "$prefix" || exit 2
    if ! npm install --no-audit --no-fund --prefix "$prefix" "$1@$2" >"$prefix/npm-install-$1.log" 2>&1; then
        tail -n 30 "$prefix/npm-install-$1.log"
        echo "$name: error: 'npm install $1@$2' failed; the npm registry must be reachable"
        exit 2
    fi
}

case $runner in
jest)
    npm_install jest "$JEST_VERSION"
    first="shop lists items"
    second="shop loses its way — ünïcode"
    set -- node "$prefix/node_modules/jest/bin/jest.js" --ci --rootDir .
    ;;
mocha)
    npm_install mocha "$MOCHA_VERSION"
    first="shop lists items"
    second="shop loses its way"
    set -- node "$prefix/node_modules/mocha/bin/mocha.js" \
        --require "$src/helpers/mocha/mockrun-hooks.js" shop.test.js
    ;;
pytest)
    py=""
    for p in python3 /usr/bin/python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pytest, requests' 2>/dev/null; then
            py=$p
            break
        fi
    done
    if [ -z "$py" ]; then
        echo "$name: skipped: no python3 with pytest and requests (Debian: python3-pytest python3-requests)"
        exit 77
    fi
    first="test_shop.py::test_lists_items"
    second="test_shop.py::test_loses_its_way"
    export PYTHONPATH="$src/helpers/pytest${PYTHONPATH:+:$PYTHONPATH}"
    set -- "$py" -m pytest -p mockrun_pytest -p no:cacheprovider -q test_shop.py
    ;;
*)
    echo "$name: unknown runner '$runner'" >&2
    exit 2
    ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/scenario.json" "$here/$runner"/* "$work/"
cd "$work" || exit 2
export MOCKRUN_HELPERS="$src/helpers"
timeout 120 "$mockrun" --junit junit.xml --journal journal.json scenario.json -- "$@" \
    </dev/null >stdout 2>stderr
status=$?

failed=0
expect() { # expect FILE TEXT: FILE contains TEXT
    if ! grep -qF -- "$2" "$1"; then
        echo "$name: expected in $1: $2"
        failed=1
    fi
}
[ $status -eq 1 ] || {
    echo "$name: expected exit 1 (the unexpected call), got $status"
    failed=1
}
expect stdout "1 request matched no route; made by test \"$second\""
expect stdout "expected exactly 1 call, got 2; made by tests \"$first\" (1 call), \"$second\" (1 call)"
expect stdout "GET /v1/itemz -> 404 (no route matched) [test: $second]"
expect stdout "✓ no call sees the test header"
expect stdout "exits with code 0"
expect junit.xml "[test: $second]"
expect journal.json "\"test\": \"$first\""
if [ $failed -ne 0 ]; then
    echo "$name: stdout:"
    sed 's/^/  | /' stdout
    echo "$name: stderr:"
    tail -n 40 stderr | sed 's/^/  | /'
    exit 1
fi
echo "$name: ok: the report names \"$second\""
