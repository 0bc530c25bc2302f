import base64
import json


def decode(record):
    """The reading in a record, or ValueError if the record is poison."""
    raw = base64.b64decode(record["kinesis"]["data"], validate=True)  # binascii.Error is a ValueError
    reading = json.loads(raw)  # ValueError (JSONDecodeError or UnicodeDecodeError)
    if not isinstance(reading, dict) or not isinstance(reading.get("readingId"), str):
        raise ValueError("not a reading object with a readingId")
    return reading


def handler(event, context):
    for record in event["Records"]:
        sequence_number = record["kinesis"]["sequenceNumber"]
        try:
            reading = decode(record)
        except ValueError as error:
            print(f"poison record {sequence_number}: {error}")
            # Lambda checkpoints at the lowest reported sequence number and retries from there,
            # so stop here: the records after this one will be delivered again.
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
        print(f"recorded {reading['readingId']}")
    return {"batchItemFailures": []}
