"""S3 Batch Operations (LambdaInvoke): one task per call, one result per task.

The job calls the function once per object in its manifest and reads the answer:
- Succeeded         done; resultString goes into the completion report
- TemporaryFailure  S3 Batch Operations runs the task again before the job ends
- PermanentFailure  the task is reported as failed and not retried
Keys arrive URL-encoded. Schema 1.0 names the bucket by ARN (`s3BucketArn`); schema 2.0
(needed for directory buckets and for `userArguments`) names it by `s3Bucket`.
"""

from urllib.parse import unquote_plus

IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp")


class TransientError(Exception):
    """Something worth retrying later (throttling, a timeout)."""


def bucket_name(task):
    if "s3Bucket" in task:                            # schema 2.0
        return task["s3Bucket"]
    return task["s3BucketArn"].split(":::", 1)[1]     # schema 1.0: arn:aws:s3:::name


def make_thumbnail(bucket, key, version, options):
    """Pretend to resize the image; a real function would call Amazon S3 here."""
    if not key.lower().endswith(IMAGE_TYPES):
        raise ValueError(f"{key} is not an image")
    if options.get("simulate") == "throttled":
        raise TransientError("S3 asked us to slow down")
    target = options.get("targetPrefix", "thumbnails/") + key.rsplit("/", 1)[-1]
    return f"s3://{bucket}/{target} width={options.get('maxWidth', '256')} from version {version or 'null'}"


def handler(event, context):
    options = event["job"].get("userArguments") or {}   # only in schema 2.0
    results = []
    for task in event["tasks"]:                          # in practice exactly one task
        key = unquote_plus(task["s3Key"])
        try:
            outcome = make_thumbnail(bucket_name(task), key, task.get("s3VersionId"), options)
            results.append({"taskId": task["taskId"], "resultCode": "Succeeded", "resultString": outcome})
        except TransientError as error:
            results.append({"taskId": task["taskId"], "resultCode": "TemporaryFailure", "resultString": str(error)})
        except Exception as error:  # anything else will not get better on a retry
            results.append({"taskId": task["taskId"], "resultCode": "PermanentFailure", "resultString": str(error)})
    return {
        "invocationSchemaVersion": event["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": event["invocationId"],
        "results": results,
    }
