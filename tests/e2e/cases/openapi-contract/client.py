import json, os, urllib.request
base = os.environ["MOCKRUN_API_URL"] + "/api/v1"
print(urllib.request.urlopen(base + "/users/7?fields=name,email").read().decode())
req = urllib.request.Request(base + "/orders", method="POST",
                             data=json.dumps({"sku": "ABC-12", "quantity": 2}).encode(),
                             headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req).read().decode())
