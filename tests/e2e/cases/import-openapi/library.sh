# The 3.1 library: a JSON type with charset, a recursive schema, const,
# multipleOf, a parameter name with a dash.
set -eu
u=$MOCKRUN_LIBRARY_URL/library
code=$(curl -sS -o body.txt -D headers.txt -w '%{http_code}' "$u/books")
echo "books: $code $(tr -d '\r' <headers.txt | grep -i '^content-type:')"
python3 -c "import json
b = json.load(open('body.txt'))
print('books items:', len(b), 'isbn:', b[0]['isbn'], 'related:', b[0]['related'], 'pages:', type(b[0]['format']['pages']).__name__)"
code=$(curl -sS -o body.txt -w '%{http_code}' -X PUT "$u/loans/L-1")
echo "return: $code $(python3 -c "import json; b = json.load(open('body.txt')); print(b['state'], b['fine'], len(b['note']))")"
