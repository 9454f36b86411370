u=$MOCKRUN_SHOP_URL
echo "before: $(curl -s "$u/cart")"
echo "add:    $(curl -s -X POST -H 'Content-Type: application/json' -d '{"sku":"book-42"}' "$u/cart/items")"
echo "after:  $(curl -s "$u/cart")"
echo "order:  $(curl -s -X POST "$u/checkout")"
