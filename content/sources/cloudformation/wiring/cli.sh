#!/usr/bin/env bash
# The custom resource wiring of template.yaml with the AWS CLI. Replace the CAPITALS
# first. A custom resource exists only inside a stack, so the CLI sets up the
# function's async settings and then deploys the template.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME

# 1. For an existing provider function: one retry of a crash, then the request is
#    kept in the release-marker-failed queue (it does not answer CloudFormation).
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 600 \
  --maximum-retry-attempts 1 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:release-marker-failed\"}}"

# 2. Upload the code (CodeUri: src/) to ARTIFACT_BUCKET, then deploy the stack:
#    CloudFormation invokes the function with a Create request and waits for its
#    answer (ServiceTimeout 600 s).
aws cloudformation package --region "$REGION" \
  --template-file template.yaml \
  --s3-bucket ARTIFACT_BUCKET \
  --output-template-file packaged.yaml
aws cloudformation deploy --region "$REGION" \
  --stack-name release-marker \
  --template-file packaged.yaml \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
  --parameter-overrides ReleaseId=2026.12.1

# 3. If the stack waits, read the reason the provider gave (or did not give).
aws cloudformation describe-stack-events --region "$REGION" --stack-name release-marker \
  --query "StackEvents[?LogicalResourceId=='ReleaseMarker'].[ResourceStatus,ResourceStatusReason]" \
  --output table
