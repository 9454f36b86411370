# Places the order and exits at once, before either callback is done.
curl -fsS -X POST "$MOCKRUN_ORDERS_URL/orders"
