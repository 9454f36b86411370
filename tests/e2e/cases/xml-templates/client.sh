# SOAP and XML in, XML out: each answer is printed with its status and
# Content-Type, and must be well-formed XML (xmllint).
set -eu
u=$MOCKRUN_PRICES_URL
show() { # show NAME: the status, the type, then the body
    echo "== $1 $(sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p' head.txt)" \
        "$(tr -d '\r' <head.txt | sed -n 's/^[Cc]ontent-[Tt]ype: //p')"
    sed 's/^/| /' answer.txt
    xmllint --noout answer.txt && echo "well-formed"
}
curl -sS -D head.txt -o answer.txt -X POST -H 'Content-Type: application/soap+xml; charset=utf-8' \
    --data-binary '<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">
  <soap:Body>
    <GetPrice xmlns="urn:prices" currency="EUR"><Item>Fish &amp; Chips</Item></GetPrice>
  </soap:Body>
</soap:Envelope>' "$u/soap"
show soap
curl -sS -D head.txt -o answer.txt -X POST -H 'Content-Type: text/xml' --data-binary '<order id="7">
  <item sku="A1" qty="2">Apple</item>
  <item sku="B2" qty="3">Pear &lt;ripe&gt;</item>
  <note><![CDATA[leave at the door & ring]]></note>
</order>' "$u/orders"
show order
curl -sS -D head.txt -o answer.txt "$u/catalog"
show catalog
