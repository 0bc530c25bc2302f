#!/usr/bin/env bash
# The Amazon Connect wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the Connect instance INSTANCE_ID and the function FUNCTION_NAME exist.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
INSTANCE_ID=INSTANCE_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. Add the function to the instance, so flows can pick it in the AWS Lambda function block.
aws connect associate-lambda-function --region "$REGION" \
  --instance-id "$INSTANCE_ID" \
  --function-arn "$FUNCTION_ARN"

# 2. The function's resource-based policy: only this instance, in this account, may invoke it.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id connect-instance \
  --action lambda:InvokeFunction \
  --principal connect.amazonaws.com \
  --source-arn "arn:aws:connect:$REGION:$ACCOUNT_ID:instance/$INSTANCE_ID" \
  --source-account "$ACCOUNT_ID"
