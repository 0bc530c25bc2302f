#!/usr/bin/env bash
# The Firehose wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the bucket BUCKET_NAME and the transformation function FUNCTION_NAME exist.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
BUCKET_NAME=BUCKET_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:FUNCTION_NAME"

# 1. The role Firehose assumes: it calls the function and writes to the bucket.
aws iam create-role --role-name clickstream-firehose \
  --assume-role-policy-document '{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "'"$ACCOUNT_ID"'"}}}]
  }'
aws iam put-role-policy --role-name clickstream-firehose --policy-name transform-and-deliver \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
       "Resource": "'"$FUNCTION_ARN"'"},
      {"Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject",
        "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"],
       "Resource": ["arn:aws:s3:::'"$BUCKET_NAME"'", "arn:aws:s3:::'"$BUCKET_NAME"'/*"]}
    ]
  }'

# 2. The stream, with the function as its processor: 3 retries, 1 MB / 60 s per invocation.
aws firehose create-delivery-stream --region "$REGION" \
  --delivery-stream-name clickstream \
  --delivery-stream-type DirectPut \
  --extended-s3-destination-configuration '{
    "BucketARN": "arn:aws:s3:::'"$BUCKET_NAME"'",
    "RoleARN": "arn:aws:iam::'"$ACCOUNT_ID"':role/clickstream-firehose",
    "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 64},
    "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
      {"ParameterName": "LambdaArn", "ParameterValue": "'"$FUNCTION_ARN"'"},
      {"ParameterName": "NumberOfRetries", "ParameterValue": "3"},
      {"ParameterName": "BufferSizeInMBs", "ParameterValue": "1"},
      {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"}]}]}
  }'
