u=$MOCKRUN_PRICES_URL
post() { # post PATH BODY: prints the status, then the body
    curl -sS -X POST -H 'Content-Type: text/xml' --data-binary "$2" -o body.txt -w '%{http_code}\n' "$u$1"
    sed 's/^/| /' body.txt; echo
}
echo "== soap"
post /soap '<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body><GetPrice xmlns="urn:prices"><Item>Apple</Item></GetPrice></s:Body>
</s:Envelope>'
echo "== order, written differently"
post /orders '<order ts="1733500000">
  <item n="1" sku="A1"></item>
  <item n="2" sku="A1"/>
</order>'
echo "== order, one sku differs"
post /orders '<order ts="2"><item sku="A1" n="1"/><item sku="A2" n="2"/></order>'
echo "== not well-formed"
post /orders '<order><item></order>'
echo "== an external entity"
post /orders '<!DOCTYPE order [<!ENTITY e SYSTEM "file:///etc/passwd">]><order>&e;</order>'
echo "== quote, read as xml-js's object by jsonPath"
post /quote '<quote currency="EUR"><item sku="A1">Apple</item><item sku="B2">Pear</item></quote>'
post /quote '<quote currency="USD"><item sku="A1">Apple</item><item sku="B2">Pear</item></quote>'
post /quote '{"quote": {"_attributes": {"currency": "EUR"}}}'
