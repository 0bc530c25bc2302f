#!/usr/bin/env bash
# The EventBridge Scheduler wiring of template.yaml with the AWS CLI. Replace the
# CAPITALS first. Assumes the function FUNCTION_NAME exists and its execution role
# may send messages to the report-failed queue.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"
DLQ_ARN="arn:aws:sqs:$REGION:$ACCOUNT_ID:report-undelivered"

# 1. The two failure queues.
aws sqs create-queue --region "$REGION" --queue-name report-undelivered \
  --attributes MessageRetentionPeriod=1209600
aws sqs create-queue --region "$REGION" --queue-name report-failed \
  --attributes MessageRetentionPeriod=1209600

# 2. The schedule's execution role: trusted by Scheduler for this account, allowed
#    to invoke the function and to write to the dead-letter queue.
aws iam create-role --role-name report-scheduler \
  --assume-role-policy-document "{
    \"Statement\": [{\"Effect\": \"Allow\",
      \"Principal\": {\"Service\": \"scheduler.amazonaws.com\"},
      \"Action\": \"sts:AssumeRole\",
      \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"$ACCOUNT_ID\"}}}]}"
aws iam put-role-policy --role-name report-scheduler --policy-name invoke-report-function \
  --policy-document "{
    \"Statement\": [
      {\"Effect\": \"Allow\", \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"$FUNCTION_ARN\"},
      {\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"$DLQ_ARN\"}]}"

# 3. Lambda's async settings: one retry, then the record goes to report-failed.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 1 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:report-failed\"}}"

# 4. The schedule: 02:00 Paris time, 15-minute flexible window, 5 delivery
#    retries within an hour, then the dead-letter queue.
cat > target.json <<JSON
{
  "Arn": "$FUNCTION_ARN",
  "RoleArn": "arn:aws:iam::$ACCOUNT_ID:role/report-scheduler",
  "Input": "{\"scheduledTime\": \"<aws.scheduler.scheduled-time>\", \"executionId\": \"<aws.scheduler.execution-id>\", \"attempt\": \"<aws.scheduler.attempt-number>\"}",
  "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
  "DeadLetterConfig": {"Arn": "$DLQ_ARN"}
}
JSON
aws scheduler create-schedule --region "$REGION" --name nightly-report \
  --schedule-expression "cron(0 2 * * ? *)" \
  --schedule-expression-timezone Europe/Paris \
  --flexible-time-window Mode=FLEXIBLE,MaximumWindowInMinutes=15 \
  --target file://target.json
