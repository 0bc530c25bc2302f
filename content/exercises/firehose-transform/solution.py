import base64
import json


def parse(data):
    """Return the event object, or raise ValueError when the payload cannot be used."""
    obj = json.loads(base64.b64decode(data).decode("utf-8"))
    if not isinstance(obj, dict) or "eventType" not in obj:
        raise ValueError("not a clickstream event")
    return obj


def handler(event, context):
    stream = event["deliveryStreamArn"].split("deliverystream/", 1)[1]
    output = []
    for record in event["records"]:
        answer = {"recordId": record["recordId"], "data": record["data"]}
        try:
            obj = parse(record["data"])
        except ValueError as error:  # also covers binascii.Error, UnicodeDecodeError and JSONDecodeError
            print(f"record {record['recordId']} failed: {error}")
            answer["result"] = "ProcessingFailed"
        else:
            if obj["eventType"] == "heartbeat":
                answer["result"] = "Dropped"
            else:
                obj["stream"] = stream
                line = json.dumps(obj, separators=(",", ":")) + "\n"
                answer["result"] = "Ok"
                answer["data"] = base64.b64encode(line.encode("utf-8")).decode("ascii")
        output.append(answer)
    return {"records": output}
