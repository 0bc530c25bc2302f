#!/usr/bin/env bash
# The function URL wiring of template.yaml with the AWS CLI. Replace the CAPITALS
# first. Assumes the function FUNCTION_NAME exists with a "live" alias, and that
# CALLER_ROLE_NAME is the IAM role of the service that calls the URL.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
CALLER_ROLE_NAME=CALLER_ROLE_NAME
ALIAS_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME:live"

# 1. Cap the function's concurrency (and so the URL's request rate).
aws lambda put-function-concurrency --region "$REGION" \
  --function-name "$FUNCTION_NAME" --reserved-concurrent-executions 20

# 2. The URL, on the alias, for signed requests only, with CORS for one origin.
aws lambda create-function-url-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" --qualifier live \
  --auth-type AWS_IAM \
  --invoke-mode BUFFERED \
  --cors '{"AllowOrigins": ["https://reports.example.com"], "AllowMethods": ["GET", "POST"]}'

# 3. The caller's identity policy: both actions, on the alias only.
aws iam put-role-policy --role-name "$CALLER_ROLE_NAME" --policy-name call-report-url \
  --policy-document "{
    \"Version\": \"2012-10-17\",
    \"Statement\": [
      {\"Effect\": \"Allow\", \"Action\": \"lambda:InvokeFunctionUrl\", \"Resource\": \"$ALIAS_ARN\",
       \"Condition\": {\"StringEquals\": {\"lambda:FunctionUrlAuthType\": \"AWS_IAM\"}}},
      {\"Effect\": \"Allow\", \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"$ALIAS_ARN\"}
    ]}"

aws lambda get-function-url-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" --qualifier live --query FunctionUrl --output text
