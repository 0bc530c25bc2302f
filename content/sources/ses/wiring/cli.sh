#!/usr/bin/env bash
# The SES receiving wiring of template.yaml with the AWS CLI. Replace the CAPITALS
# first. Assumes the function FUNCTION_NAME exists, the domain of RECIPIENT is
# verified for receiving, and the queue support-failed exists.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
RECIPIENT=support@example.com
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. Lambda's async settings: two retries, one hour, then the failure queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:support-failed\"}}"

# 2. SES may invoke the function, for this rule and account only.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id ses-inbound-support \
  --action lambda:InvokeFunction \
  --principal ses.amazonaws.com \
  --source-account "$ACCOUNT_ID" \
  --source-arn "arn:aws:ses:$REGION:$ACCOUNT_ID:receipt-rule-set/inbound:receipt-rule/support"

# 3. The rule set, the rule with its Lambda action (Event), and activation.
aws ses create-receipt-rule-set --region "$REGION" --rule-set-name inbound
aws ses create-receipt-rule --region "$REGION" --rule-set-name inbound \
  --rule "{
    \"Name\": \"support\", \"Enabled\": true, \"ScanEnabled\": true,
    \"Recipients\": [\"$RECIPIENT\"],
    \"Actions\": [{\"LambdaAction\": {\"FunctionArn\": \"$FUNCTION_ARN\", \"InvocationType\": \"Event\"}}]
  }"
aws ses set-active-receipt-rule-set --region "$REGION" --rule-set-name inbound
