#!/usr/bin/env bash
# The CodeCommit wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME (role FUNCTION_ROLE_NAME) and the queue
# push-events-failed exist, in the repository's Region.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"
REPOSITORY_ARN="arn:aws:codecommit:$REGION:$ACCOUNT_ID:orders-app"

# 1. The function's resource-based policy: only this repository may invoke it.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id codecommit-orders-app \
  --action lambda:InvokeFunction \
  --principal codecommit.amazonaws.com \
  --source-arn "$REPOSITORY_ARN" \
  --source-account "$ACCOUNT_ID"

# 2. Asynchronous failures: 2 retries within an hour, then to the queue
#    (the execution role needs sqs:SendMessage on it).
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-retry-attempts 2 \
  --maximum-event-age-in-seconds 3600 \
  --destination-config '{"OnFailure": {"Destination": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':push-events-failed"}}'

# 3. The repository and its trigger for pushes and new references on main.
aws codecommit create-repository --region "$REGION" --repository-name orders-app
aws codecommit put-repository-triggers --region "$REGION" \
  --repository-name orders-app \
  --triggers '[{"name": "push-to-main", "destinationArn": "'"$FUNCTION_ARN"'",
    "events": ["updateReference", "createReference"], "branches": ["main"]}]'
