#!/usr/bin/env bash
# The S3 Batch Operations wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME, the manifest s3://MANIFEST_BUCKET/manifest.csv
# (lines of "bucket,key"), and the report bucket REPORT_BUCKET.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
MANIFEST_BUCKET=MANIFEST_BUCKET
REPORT_BUCKET=REPORT_BUCKET

# 1. A numbered version, so the whole job runs one version of the code.
VERSION_ARN=$(aws lambda publish-version --region "$REGION" --function-name "$FUNCTION_NAME" \
  --query FunctionArn --output text)

# 2. The role the job assumes: invoke that version, read the manifest, write the report.
aws iam create-role --role-name object-tagger-batch \
  --assume-role-policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
aws iam put-role-policy --role-name object-tagger-batch --policy-name invoke-and-report \
  --policy-document '{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "'"$VERSION_ARN"'"},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
     "Resource": "arn:aws:s3:::'"$MANIFEST_BUCKET"'/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::'"$REPORT_BUCKET"'/*"}]}'

# 3. The job: one synchronous invocation of the version per manifest line, and a
#    report of every task. Schema 1.0 is the default (events name s3BucketArn).
ETAG=$(aws s3api head-object --bucket "$MANIFEST_BUCKET" --key manifest.csv --query ETag --output text)
aws s3control create-job --region "$REGION" \
  --account-id "$ACCOUNT_ID" \
  --no-confirmation-required \
  --priority 10 \
  --role-arn "arn:aws:iam::$ACCOUNT_ID:role/object-tagger-batch" \
  --operation '{"LambdaInvoke": {"FunctionArn": "'"$VERSION_ARN"'", "InvocationSchemaVersion": "1.0"}}' \
  --manifest '{"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
    "Location": {"ObjectArn": "arn:aws:s3:::'"$MANIFEST_BUCKET"'/manifest.csv", "ETag": '"$ETAG"'}}' \
  --report '{"Bucket": "arn:aws:s3:::'"$REPORT_BUCKET"'", "Format": "Report_CSV_20180820",
    "Enabled": true, "Prefix": "batch-reports", "ReportScope": "AllTasks"}'
