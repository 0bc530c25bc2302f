#!/usr/bin/env bash
# The SQS wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists (timeout 30 s) and its execution role
# has the AWSLambdaSQSQueueExecutionRole managed policy.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME

# 1. The dead-letter queue, keeping messages for 14 days.
aws sqs create-queue --region "$REGION" --queue-name orders-dlq \
  --attributes MessageRetentionPeriod=1209600

# 2. The source queue: visibility timeout above 6 x 30 s (AWS's advice), and a redrive
#    policy that moves a message to the DLQ after 5 receives.
aws sqs create-queue --region "$REGION" --queue-name orders \
  --attributes '{
    "VisibilityTimeout": "190",
    "RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':orders-dlq\",\"maxReceiveCount\":\"5\"}"
  }'

# 3. The execution role reads the queue (receive, delete, get attributes).
aws iam attach-role-policy --role-name FUNCTION_ROLE_NAME \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole

# 4. The event source mapping: batches of up to 50 within 10 s, partial batch
#    responses, at most 10 concurrent invokes.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "arn:aws:sqs:$REGION:$ACCOUNT_ID:orders" \
  --batch-size 50 \
  --maximum-batching-window-in-seconds 10 \
  --function-response-types ReportBatchItemFailures \
  --scaling-config MaximumConcurrency=10
