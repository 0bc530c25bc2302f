class SlowDown(Exception):
    """Amazon S3 asked the caller to slow down: a later attempt can succeed."""


ARCHIVABLE = (".csv", ".json", ".parquet")


def archive(bucket, key, version_id):
    """Stand-in for copying the object to the archive. Keep it as it is."""
    if key.startswith("hot/"):
        raise SlowDown(f"503 Slow Down while copying {key}")
    if not key.lower().endswith(ARCHIVABLE):
        raise ValueError(f"cannot archive {key}: unsupported file type")
    return f"archived s3://{bucket}/{key} (version {version_id or 'null'})"


def handler(event, context):
    task = event["tasks"][0]
    outcome = archive(task["s3BucketArn"], task["s3Key"], task["s3VersionId"])
    # TODO: decode the key, handle schema 2.0, .tmp files and archive errors, complete the response.
    return {
        "invocationSchemaVersion": "1.0",
        "invocationId": event["invocationId"],
        "results": [{"taskId": task["taskId"], "resultCode": "Succeeded", "resultString": outcome}],
    }
