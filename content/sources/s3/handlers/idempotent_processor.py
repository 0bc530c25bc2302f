"""Process S3 object events once each, even when a notification arrives twice.

S3 delivers notifications at least once and Lambda's asynchronous queue can add
duplicates of its own, so the handler remembers which object versions it has
already handled. The dedupe key is the bucket, the decoded key and the version
ID (versioned buckets) or the sequencer (every PUT and DELETE event has one).

Object keys arrive URL-encoded, with spaces as '+': decode them before use.
A real function would keep the "seen" set in a durable store such as a
database table; a module-level set only survives while this execution
environment stays warm.
"""

from urllib.parse import unquote_plus

OUTPUT_PREFIX = "thumbnails/"
SEEN = set()


def object_identity(record):
    """The values that identify one change to one object."""
    bucket = record["s3"]["bucket"]["name"]
    key = unquote_plus(record["s3"]["object"]["key"])
    s3_object = record["s3"]["object"]
    version = s3_object.get("versionId") or s3_object["sequencer"]
    return record["eventName"], bucket, key, version


def handle_created(bucket, key):
    print(f"would read s3://{bucket}/{key} and write {OUTPUT_PREFIX}{key}")


def handle_removed(bucket, key):
    print(f"would remove s3://{bucket}/{key} from the search index")


def handler(event, context):
    processed, duplicates, ignored = 0, 0, 0
    for record in event["Records"]:
        identity = object_identity(record)
        event_name, bucket, key, _ = identity
        if key.startswith(OUTPUT_PREFIX):
            # Our own output: reacting to it would start a loop.
            ignored += 1
            continue
        if identity in SEEN:
            print(f"duplicate notification for {bucket}/{key}, skipped")
            duplicates += 1
            continue
        if event_name.startswith("ObjectCreated:"):
            handle_created(bucket, key)
        elif event_name.startswith("ObjectRemoved:"):
            handle_removed(bucket, key)
        else:
            print(f"no handling for {event_name}")
        SEEN.add(identity)
        processed += 1
    # S3 never sees this value; it only makes local runs easy to check.
    return {"processed": processed, "duplicates": duplicates, "ignored": ignored}
