"""Sends operations with botocore (the AWS SDK for Python's core) to an endpoint, for the tests
that compare our requests with botocore's. Reads one JSON document on stdin:
  {"endpoint": URL, "region": R, "credentials": {"accessKeyId", "secretAccessKey"},
   "calls": [{"service": botocore service name, "operation": "GetClip", "params": {...}}]}
and prints, per call, a JSON line {"operation", "error"?}. Timestamps are given as epoch seconds."""
import json
import sys

import botocore.session
from botocore.config import Config


def main():
    spec = json.load(sys.stdin)
    session = botocore.session.get_session()
    clients = {}
    for call in spec["calls"]:
        service = call["service"]
        if service not in clients:
            clients[service] = session.create_client(
                service,
                region_name=spec["region"],
                endpoint_url=spec["endpoint"],
                aws_access_key_id=spec["credentials"]["accessKeyId"],
                aws_secret_access_key=spec["credentials"]["secretAccessKey"],
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
        result = {"operation": call["operation"]}
        try:
            clients[service]._make_api_call(call["operation"], call["params"])
        except Exception as error:  # the reply is canned: only the request matters
            result["error"] = f"{type(error).__name__}: {error}"
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
