#!/usr/bin/env bash
# The AWS IoT rule wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME, the queues alerts-failed and rule-errors, and a role
# RULE_ERROR_ROLE_ARN (trusted by iot.amazonaws.com, may send to rule-errors) exist.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
RULE_ERROR_ROLE_ARN=RULE_ERROR_ROLE_ARN
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. Lambda's async settings: two retries, 15 minutes, then the failure queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 900 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:alerts-failed\"}}"

# 2. Only this rule, in this account, may invoke the function.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id iot-overheat-alerts \
  --action lambda:InvokeFunction \
  --principal iot.amazonaws.com \
  --source-arn "arn:aws:iot:$REGION:$ACCOUNT_ID:rule/overheat_alerts" \
  --source-account "$ACCOUNT_ID"

# 3. The rule: SQL with WHERE, the Lambda action and an SQS error action.
cat > rule.json <<JSON
{
  "sql": "SELECT temperature, topic(2) AS device, timestamp() AS receivedAt FROM 'sensors/+/telemetry' WHERE temperature > 80",
  "awsIotSqlVersion": "2016-03-23",
  "ruleDisabled": false,
  "actions": [{"lambda": {"functionArn": "$FUNCTION_ARN"}}],
  "errorAction": {"sqs": {
    "queueUrl": "https://sqs.$REGION.amazonaws.com/$ACCOUNT_ID/rule-errors",
    "roleArn": "$RULE_ERROR_ROLE_ARN"}}
}
JSON
aws iot create-topic-rule --region "$REGION" --rule-name overheat_alerts \
  --topic-rule-payload file://rule.json
