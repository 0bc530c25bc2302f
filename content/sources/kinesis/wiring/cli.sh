#!/usr/bin/env bash
# The Kinesis wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists and its execution role is FUNCTION_ROLE_NAME.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME

# 1. The stream and the queue that receives descriptions of abandoned batches.
aws kinesis create-stream --region "$REGION" --stream-name clicks --shard-count 1
aws sqs create-queue --region "$REGION" --queue-name clicks-failed-batches \
  --attributes MessageRetentionPeriod=1209600

# 2. The execution role reads the stream and may send to the destination queue.
aws iam attach-role-policy --role-name FUNCTION_ROLE_NAME \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name send-failed-batches \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
      "Resource": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':clicks-failed-batches"}]
  }'

# 3. The mapping: split failing batches, give up after 3 retries or 1 hour,
#    report the failed record, and send what was skipped to the queue.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "arn:aws:kinesis:$REGION:$ACCOUNT_ID:stream/clicks" \
  --starting-position TRIM_HORIZON \
  --batch-size 100 \
  --maximum-batching-window-in-seconds 5 \
  --bisect-batch-on-function-error \
  --maximum-retry-attempts 3 \
  --maximum-record-age-in-seconds 3600 \
  --function-response-types ReportBatchItemFailures \
  --destination-config '{"OnFailure": {"Destination": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':clicks-failed-batches"}}'
