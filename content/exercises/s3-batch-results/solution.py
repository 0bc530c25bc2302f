from urllib.parse import unquote_plus


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


def bucket_name(task):
    if "s3Bucket" in task:  # schema 2.0: the name itself
        return task["s3Bucket"]
    return task["s3BucketArn"].split(":::", 1)[1]  # schema 1.0: arn:aws:s3:::<name>


def run_task(task):
    key = unquote_plus(task["s3Key"])
    if key.lower().endswith(".tmp"):
        return "PermanentFailure", "temporary file, not archived"
    try:
        return "Succeeded", archive(bucket_name(task), key, task.get("s3VersionId"))
    except SlowDown as error:
        return "TemporaryFailure", str(error)
    except Exception as error:  # anything else will not get better on a retry
        return "PermanentFailure", str(error)


def handler(event, context):
    results = []
    for task in event["tasks"]:
        code, text = run_task(task)
        print(f"{task['taskId']}: {code} {text}")
        results.append({"taskId": task["taskId"], "resultCode": code, "resultString": text})
    return {
        "invocationSchemaVersion": event["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": event["invocationId"],
        "results": results,
    }
