# Two ids give two files, typed from the rendered name; a missing one is a
# 404 that says which file; another route renders a path from the query.
set -eu
u=$MOCKRUN_URL
for id in 1 2; do
    curl -sS -D head.txt -o got.json "$u/items/$id"
    cmp got.json "fixtures/items/$id.json"
    echo "item $id: $(tr -d '\r' <head.txt | grep -i '^content-type:') $(cat got.json)"
done
curl -sS -w '%{http_code}\n' "$u/items/3"
curl -sS -D head.txt "$u/docs?name=readme.txt" | tr -d '\n'
echo " $(tr -d '\r' <head.txt | grep -i '^content-type:')"
