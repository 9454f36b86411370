#!/bin/sh
# deb.sh - the Debian package, as a user gets it: `cpack -G DEB` builds it
# from the build folder; its Depends name the libraries mockrun links
# (computed by dpkg-shlibdeps) and libxml2 (loaded with dlopen, so named in
# dist/CMakeLists.txt); dpkg installs it into a throwaway root whose dpkg
# database holds this machine's entries for those dependencies, so dpkg
# checks them against what is installed here; the installed mockrun prints
# its version and runs examples/checkout; the man page renders; dpkg purges
# it and nothing of it is left. Nothing outside a temporary folder changes.
#
#   sh tests/dist/deb.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
fail=0
say() { printf 'dist.deb: %s\n' "$*"; }

for tool in cpack dpkg dpkg-deb dpkg-shlibdeps dpkg-query file curl man; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "error: $tool is missing; run ci/setup (it installs dpkg-dev, file, curl and man-db)"
        exit 2
    fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-deb.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# ---- build -------------------------------------------------------------------
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1; then
    say "cpack -G DEB failed:"
    cat "$tmp/cpack.log"
    exit 1
fi
set -- "$tmp"/pkg/mockrun_*.deb
[ -f "$1" ] || { say "cpack made no mockrun_*.deb:"; ls "$tmp/pkg"; exit 1; }
deb=$1
version=$("$build/mockrun" --version | sed -n '1s/^mockrun //p')
case $(basename "$deb") in
"mockrun_${version}_$(dpkg --print-architecture).deb") ;;
*) say "unexpected package name $(basename "$deb") for mockrun $version"; fail=1 ;;
esac

# ---- what it says and holds ------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
say "Depends: $depends"
for lib in libxml2 libc6 libcivetweb1 libcjson1 libpcre2-8-0 libyaml-0-2; do
    printf '%s\n' "$depends" | tr ',' '\n' | grep -Eq "^ *$lib( |\$)" ||
        { say "Depends lacks $lib"; fail=1; }
done
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents"
for f in ./usr/bin/mockrun ./usr/share/man/man1/mockrun.1.gz \
    ./usr/share/bash-completion/completions/mockrun ./usr/share/zsh/vendor-completions/_mockrun \
    ./usr/share/doc/mockrun/README.md ./usr/share/doc/mockrun/CHANGELOG.md; do
    grep -qxF "$f" "$tmp/contents" || { say "the package lacks $f"; fail=1; }
done

# ---- install into a throwaway root -------------------------------------------------
# Its dpkg database holds, for each package Depends names, this machine's
# own status entry, with an empty file list: dpkg then checks each
# dependency (name and version) against what is installed here, and the
# installed binary runs with this machine's libraries.
root=$tmp/root
db=$root/var/lib/dpkg
mkdir -p "$db/info" "$db/updates" "$db/triggers"
: >"$db/status"
for p in $(printf '%s\n' "$depends" | sed 's/[,|]/\n/g' | sed 's/(.*//; s/:.*//; s/ //g' | sort -u); do
    if ! dpkg-query -s "$p" >>"$db/status" 2>/dev/null; then
        say "dependency $p is not installed on this machine"
        fail=1
        continue
    fi
    echo >>"$db/status"
    : >"$db/info/$(dpkg-query -W -f '${binary:Package}' "$p").list"
done
force=""
[ "$(id -u)" -ne 0 ] && force="--force-not-root"
# shellcheck disable=SC2086
if ! dpkg --root="$root" $force -i "$deb" >"$tmp/install.log" 2>&1; then
    say "dpkg -i failed:"
    cat "$tmp/install.log"
    exit 1
fi
dpkg --root="$root" -s mockrun 2>/dev/null | grep -qx 'Status: install ok installed' ||
    { say "dpkg does not list mockrun as installed"; fail=1; }

# ---- the installed mockrun ------------------------------------------------------------
mockrun=$root/usr/bin/mockrun
if ! "$mockrun" --version >"$tmp/version" 2>&1; then
    say "the installed mockrun --version failed:"
    cat "$tmp/version"
    fail=1
fi
head -n 1 "$tmp/version" | grep -qxF "mockrun $version" ||
    { say "the installed mockrun says: $(head -n 1 "$tmp/version")"; fail=1; }
grep -q '^libxml2 [0-9]' "$tmp/version" || { say "no libxml2 version: $(cat "$tmp/version")"; fail=1; }
if ! (cd "$src" && "$mockrun" --junit "$tmp/junit.xml" examples/checkout/checkout.json -- \
    sh examples/checkout/client.sh) >"$tmp/run.log" 2>&1; then
    say "the installed mockrun failed examples/checkout:"
    cat "$tmp/run.log"
    fail=1
fi
grep -q '<testsuite' "$tmp/junit.xml" 2>/dev/null || { say "no JUnit report from the run"; fail=1; }
MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/mockrun.1.gz" >"$tmp/man" 2>"$tmp/man.err"
if [ ! -s "$tmp/man" ] || [ -s "$tmp/man.err" ]; then
    say "the installed man page does not render cleanly: $(cat "$tmp/man.err")"
    fail=1
fi

# ---- remove ---------------------------------------------------------------------------
# shellcheck disable=SC2086
if ! dpkg --root="$root" $force --purge mockrun >"$tmp/purge.log" 2>&1; then
    say "dpkg --purge failed:"
    cat "$tmp/purge.log"
    exit 1
fi
left=$(cd "$root" && find . -mindepth 1 -not -type d -not -path './var/lib/dpkg/*')
[ -z "$left" ] || { say "left after purge: $left"; fail=1; }
left=$(cd "$root" && find ./usr -mindepth 1 2>/dev/null)
[ -z "$left" ] || { say "folders left after purge: $left"; fail=1; }
dpkg --root="$root" -s mockrun >/dev/null 2>&1 && { say "dpkg still lists mockrun"; fail=1; }

[ "$fail" -eq 0 ] && say "ok: $(basename "$deb") built, installed, run and purged"
exit "$fail"
