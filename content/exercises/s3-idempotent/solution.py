# Stands in for a table of processed object changes: (bucket, key, version).
SEEN = set()


def identity(record):
    bucket = record["s3"]["bucket"]["name"]
    s3_object = record["s3"]["object"]
    # versionId exists in versioned buckets; otherwise the sequencer tells two changes apart.
    version = s3_object.get("versionId") or s3_object["sequencer"]
    return bucket, s3_object["key"], version


def handler(event, context):
    for record in event["Records"]:
        change = identity(record)
        key = change[1]
        if change in SEEN:
            print(f"skipped duplicate {key}")
            continue
        print(f"processed {key}")
        SEEN.add(change)
