#!/usr/bin/env bash
# The CloudWatch Logs wiring of template.yaml with the AWS CLI. Replace the CAPITALS
# first. Assumes the function FUNCTION_NAME, the log group /app/checkout and the queue
# alerts-failed exist, and the execution role may send messages to that queue.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. Lambda's async settings: two retries, one hour, then the failure queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:alerts-failed\"}}"

# 2. CloudWatch Logs may invoke the function, for this log group and account only.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id logs-app-checkout \
  --action lambda:InvokeFunction \
  --principal logs.amazonaws.com \
  --source-arn "arn:aws:logs:$REGION:$ACCOUNT_ID:log-group:/app/checkout:*" \
  --source-account "$ACCOUNT_ID"

# 3. The subscription filter: only lines containing ERROR (no role needed for Lambda).
aws logs put-subscription-filter --region "$REGION" \
  --log-group-name /app/checkout \
  --filter-name errors-to-lambda \
  --filter-pattern ERROR \
  --destination-arn "$FUNCTION_ARN"
