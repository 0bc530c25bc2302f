#!/usr/bin/env bash
# The direct-invoke wiring of template.yaml with the AWS CLI. Replace the CAPITALS
# first. Assumes the function FUNCTION_NAME exists with a "live" alias, and that
# the queue worker-failed exists and the execution role may send messages to it.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
ALIAS_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME:live"

# 1. Async settings on the alias: two retries, one hour, then the failure queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" --qualifier live \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:worker-failed\"}}"

# 2. The caller's role: trusted by ECS tasks, may invoke the alias only.
aws iam create-role --role-name worker-invoker \
  --assume-role-policy-document '{"Statement": [{"Effect": "Allow",
    "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
aws iam put-role-policy --role-name worker-invoker --policy-name invoke-worker \
  --policy-document "{\"Statement\": [{\"Effect\": \"Allow\",
    \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"$ALIAS_ARN\"}]}"

# 3. What the caller runs (with the role's credentials):
#    DryRun checks the permission without running the function (HTTP 204).
aws lambda invoke --region "$REGION" --function-name "$ALIAS_ARN" \
  --invocation-type DryRun response.json
#    Event queues the event and returns 202; failures end in worker-failed.
aws lambda invoke --region "$REGION" --function-name "$ALIAS_ARN" \
  --invocation-type Event \
  --cli-binary-format raw-in-base64-out \
  --payload '{"jobId": "job-42", "idempotencyKey": "job-42"}' response.json
#    RequestResponse waits for the result (HTTP 200); allow longer than the
#    60 s function timeout before the client gives up.
aws lambda invoke --region "$REGION" --function-name "$ALIAS_ARN" \
  --cli-read-timeout 70 \
  --cli-binary-format raw-in-base64-out \
  --payload '{"jobId": "job-43", "idempotencyKey": "job-43"}' response.json
