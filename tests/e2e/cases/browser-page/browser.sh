# Headless Chromium loads the page from the web mock; the page's script calls
# the api mock at the URL {{serviceUrl 'api'}} rendered into it.
# --virtual-time-budget lets the fetch finish before the DOM is dumped.
set -eu
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --virtual-time-budget=10000 \
    --dump-dom "$MOCKRUN_WEB_URL/" 2>/dev/null > dom.html
grep -o 'items: [a-z, ]*' dom.html
