#!/usr/bin/env bash
# install.sh - action.yml's first step: puts mockrun on PATH.
#
# Environment (from the action's inputs): MOCKRUN_INSTALL (auto, deb, build,
# none) and MOCKRUN_DEB (a .deb's URL or path); and what GitHub sets:
# GITHUB_ACTION_PATH (the action's source), GITHUB_ACTION_REPOSITORY and
# GITHUB_ACTION_REF (which release a "deb" install takes), GITHUB_SERVER_URL,
# RUNNER_TEMP. Installing uses apt-get, through sudo unless run as root.
set -euo pipefail

mode=${MOCKRUN_INSTALL:-auto}
deb=${MOCKRUN_DEB:-}
ref=${GITHUB_ACTION_REF:-}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo

fail() {
    echo "::error title=mockrun action::$*"
    exit 1
}
release_tag() {
    [[ $ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]
}

case $mode in
auto)
    if [ -n "$deb" ] || release_tag; then
        mode=deb
    elif command -v mockrun >/dev/null 2>&1; then
        mode=none
    else
        mode=build
    fi
    echo "mockrun action: install: auto is $mode"
    ;;
deb | build | none) ;;
*) fail "install: expected auto, deb, build or none, got '$mode'" ;;
esac

case $mode in
deb)
    if [ -z "$deb" ]; then
        release_tag || fail "install: deb needs the input 'deb' (a URL or a path) when the action is not used at a version tag (it is at '$ref')"
        deb="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_ACTION_REPOSITORY:?}/releases/download/$ref/mockrun_${ref#v}_$(dpkg --print-architecture).deb"
    fi
    if [[ $deb == http://* || $deb == https://* ]]; then
        file=$temp/mockrun.deb
        echo "mockrun action: downloading $deb"
        curl -fsSL --retry 3 -o "$file" "$deb" || fail "cannot download $deb"
    else
        file=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
        [ -f "$file" ] || fail "install: no file '$deb'"
    fi
    # apt-get resolves the package's dependencies (CivetWeb, cJSON, PCRE2, libxml2).
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$file"
    ;;
build)
    src=${GITHUB_ACTION_PATH:?}
    build=$temp/mockrun-build
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        build-essential cmake pkg-config libcivetweb-dev libcjson-dev libxml2-dev libpcre2-dev
    # An action's source comes without .git: name the commit by the action's ref.
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOCKRUN_TESTS=OFF \
        -DMOCKRUN_BENCH=OFF -DMOCKRUN_GIT_COMMIT="${ref:-unknown}" >/dev/null
    cmake --build "$build" -j "$(nproc)" >/dev/null
    $sudo cmake --install "$build" --prefix /usr/local >/dev/null
    ;;
none)
    command -v mockrun >/dev/null 2>&1 || fail "install: none, but there is no mockrun on PATH"
    ;;
esac
mockrun --version
