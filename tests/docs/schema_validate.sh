#!/bin/sh
# schema_validate.sh - CTest's entry to the schema check (docs.schema-validate).
#
#   sh tests/docs/schema_validate.sh MOCKRUN SOURCE_DIR NPM_PREFIX
#
# Every scenario of examples/ and tests/e2e/cases/ that `mockrun --check`
# accepts must validate against the schema `mockrun schema` prints, checked
# by an independent validator (npm's ajv, draft 2020-12); the samples in
# tests/docs/schema-invalid/ must be refused by both. schema_validate.js does
# the work. Skips (exit 77) when node or npm is missing; installs the pinned
# ajv into NPM_PREFIX when it is not there yet (once; later runs reuse it).
# Exit status: the script's, 77 for a skip, 2 when the install fails.
set -u

AJV_VERSION=8.17.1

if [ $# -ne 3 ]; then
    echo "usage: sh schema_validate.sh MOCKRUN SOURCE_DIR NPM_PREFIX" >&2
    exit 2
fi
mockrun=$1
src=$2
prefix=$3
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "schema: skipped: '$tool' is not in PATH (the independent validator, ajv, needs Node.js and npm)"
        exit 77
    fi
done

pkg=$prefix/node_modules/ajv/package.json
have=$(node -e 'try { console.log(require(process.argv[1]).version) } catch (e) {}' "$pkg" 2>/dev/null)
if [ "$have" != "$AJV_VERSION" ]; then
    echo "schema: installing ajv@$AJV_VERSION into $prefix"
    mkdir -p "$prefix" || exit 2
    log=$prefix/npm-install.log
    if ! npm install --no-audit --no-fund --prefix "$prefix" "ajv@$AJV_VERSION" >"$log" 2>&1; then
        tail -n 30 "$log"
        echo "schema: error: 'npm install ajv@$AJV_VERSION' failed (log above and in $log); the npm registry must be reachable"
        exit 2
    fi
fi

here=$(cd "$(dirname "$0")" && pwd)
exec node "$here/schema_validate.js" "$mockrun" "$src" "$prefix/node_modules/ajv"
