# Calls every imported route of the pet store; prints what a client sees:
# statuses, and facts about the generated JSON (checked in Python) rather
# than its random values.
set -eu
u=$MOCKRUN_PET_STORE_URL/api/v1
call() { # call ARGS...: the body to body.txt, prints the status
    curl -sS -o body.txt -w '%{http_code}' "$@"
}
facts() { # facts SCRIPT: runs SCRIPT on the JSON body as `b`
    python3 -c "import json, re, sys
b = json.load(open('body.txt'))
$1"
}
echo "list: $(call "$u/pets")"
facts '
uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
print("list items:", len(b))
for p in b:
    assert isinstance(p["id"], int) and p["id"] >= 1, p
    assert p["kind"] in ("dog", "cat", "bird"), p
    assert re.match(r"^[^@ ]+@[^@ ]+\.[a-z]+$", p["email"]), p
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", p["birthday"]), p
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", p["added"]), p
    assert 0 < p["weight"] <= 90 and "secret" not in p, p
    assert 1 <= len(p["name"]) <= 40 and len(p["tags"]) == 2, p
    assert p["owner"]["firstName"] and p["owner"]["lastName"], p
print("list shapes: ok")'
echo "total header: $(curl -sS -D - -o /dev/null "$u/pets" | tr -d '\r' | grep -i '^x-total-count:')"
echo "create: $(call -X POST -H 'Content-Type: application/json' -d '{"name":"Rex","kind":"dog"}' "$u/pets") $(cat body.txt)"
echo "mine: $(call "$u/pets/mine") $(cat body.txt)"
echo "get: $(call "$u/pets/42")"
facts 'print("get id:", type(b["id"]).__name__, "kind ok:", b["kind"] in ("dog", "cat", "bird"))'
echo "delete: $(call -X DELETE "$u/pets/42")[$(cat body.txt)]"
echo "photo: $(call "$u/pets/42/photo.png")"
echo "owner: $(call "$u/owners/3")"
facts 'print("owner keys:", sorted(b))'
echo "health: $(call "$u/health") $(cat body.txt)"
