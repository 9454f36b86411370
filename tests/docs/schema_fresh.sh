#!/bin/sh
# schema_fresh.sh - docs.schema-fresh: the committed docs/scenario.schema.json
# is what `mockrun schema` prints (scenarios/schema.c is its source).
#
#   sh tests/docs/schema_fresh.sh MOCKRUN SCHEMA_FILE
set -u
if [ $# -ne 2 ]; then
    echo "usage: sh schema_fresh.sh MOCKRUN SCHEMA_FILE" >&2
    exit 2
fi
tmp=$(mktemp "${TMPDIR:-/tmp}/mockrun-schema.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT
if ! "$1" schema >"$tmp"; then
    echo "schema: 'mockrun schema' failed"
    exit 1
fi
if ! cmp -s "$tmp" "$2"; then
    diff -u "$2" "$tmp" | head -n 40
    echo "schema: $2 is not what 'mockrun schema' prints (diff above: - committed, + printed);"
    echo "schema: refresh it with: $1 schema > $2"
    exit 1
fi
echo "schema: $2 is up to date"
