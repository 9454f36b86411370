#!/bin/sh
# install.sh - `cmake --install`: the binary, the man page, the bash and zsh
# completions and the documentation land under the prefix, beneath DESTDIR
# when it is set; zsh's file goes where Debian's zsh looks for it (its
# vendor folder under /usr, site-functions elsewhere); the installed binary
# runs. Installs only into a temporary folder.
#
#   sh tests/dist/install.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
fail=0
say() { printf 'dist.install: %s\n' "$*"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# expect DIR ZSH_DIR: what an install under DIR must hold
expect() {
    for f in bin/mockrun share/man/man1/mockrun.1.gz share/bash-completion/completions/mockrun \
        "$2/_mockrun" share/doc/mockrun/README.md share/doc/mockrun/CHANGELOG.md \
        share/doc/mockrun/scenario-format.md share/doc/mockrun/ci.md share/doc/mockrun/drift.md; do
        [ -f "$1/$f" ] || { say "no $f under $1"; fail=1; }
    done
}

# a prefix of one's own, beneath DESTDIR
DESTDIR=$tmp/stage cmake --install "$build" --prefix /opt/mockrun >"$tmp/log" 2>&1 ||
    { say "cmake --install failed:"; cat "$tmp/log"; exit 1; }
expect "$tmp/stage/opt/mockrun" share/zsh/site-functions
[ -z "$(find "$tmp/stage" -mindepth 1 -maxdepth 1 ! -name opt)" ] ||
    { say "DESTDIR holds more than the prefix: $(ls "$tmp/stage")"; fail=1; }
out=$("$tmp/stage/opt/mockrun/bin/mockrun" --version 2>&1) ||
    { say "the installed mockrun --version failed: $out"; fail=1; }
bash -n "$tmp/stage/opt/mockrun/share/bash-completion/completions/mockrun" ||
    { say "the installed bash completion has syntax errors"; fail=1; }
# bash-completion loads it on demand from <prefix>/share (XDG_DATA_DIRS), and
# zsh's compinit from the installed folder, when they are here.
share=$tmp/stage/opt/mockrun/share
bc=/usr/share/bash-completion/bash_completion
if [ -f "$bc" ]; then
    got=$(env -i PATH="$PATH" XDG_DATA_DIRS="$share" bash --norc --noprofile -c \
        ". $bc; __load_completion mockrun; complete -p mockrun" 2>&1)
    [ "$got" = "complete -F _mockrun mockrun" ] ||
        { say "bash-completion does not load the installed completion: $got"; fail=1; }
fi
if command -v zsh >/dev/null 2>&1; then
    got=$(env -i PATH="$PATH" HOME="$tmp" zsh -fc "fpath=($share/zsh/site-functions \$fpath);
        autoload -U compinit; compinit -u -d $tmp/zcompdump; print \${_comps[mockrun]}" 2>&1)
    [ "$got" = "_mockrun" ] || { say "zsh's compinit does not find the installed _mockrun: $got"; fail=1; }
fi

# /usr, as a package installs it: zsh's vendor folder
DESTDIR=$tmp/usr-stage cmake --install "$build" --prefix /usr >"$tmp/log" 2>&1 ||
    { say "cmake --install --prefix /usr failed:"; cat "$tmp/log"; exit 1; }
expect "$tmp/usr-stage/usr" share/zsh/vendor-completions

# the prefix alone (no DESTDIR), as for a home folder
cmake --install "$build" --prefix "$tmp/home/.local" >"$tmp/log" 2>&1 ||
    { say "cmake --install --prefix ~/.local failed:"; cat "$tmp/log"; exit 1; }
expect "$tmp/home/.local" share/zsh/site-functions

[ "$fail" -eq 0 ] && say "ok"
exit "$fail"
