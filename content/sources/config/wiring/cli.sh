#!/usr/bin/env bash
# The AWS Config custom rule wiring of template.yaml with the AWS CLI. Replace the
# CAPITALS first. Assumes a configuration recorder is running, the function
# FUNCTION_NAME exists with AWSConfigRulesExecutionRole, and the queue rules-failed exists.
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
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:rules-failed\"}}"

# 2. Config may invoke the function, for this account.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id config-rules \
  --action lambda:InvokeFunction \
  --principal config.amazonaws.com \
  --source-account "$ACCOUNT_ID"

# 3. The rule: security groups, both change message types, a rule parameter.
aws configservice put-config-rule --region "$REGION" --config-rule "{
  \"ConfigRuleName\": \"no-open-admin-ports\",
  \"Scope\": {\"ComplianceResourceTypes\": [\"AWS::EC2::SecurityGroup\"]},
  \"InputParameters\": \"{\\\"blockedPort\\\": \\\"22\\\"}\",
  \"Source\": {
    \"Owner\": \"CUSTOM_LAMBDA\",
    \"SourceIdentifier\": \"$FUNCTION_ARN\",
    \"SourceDetails\": [
      {\"EventSource\": \"aws.config\", \"MessageType\": \"ConfigurationItemChangeNotification\"},
      {\"EventSource\": \"aws.config\", \"MessageType\": \"OversizedConfigurationItemChangeNotification\"}
    ]
  }
}"

# 4. After fixing the function, evaluate again without waiting for a change.
aws configservice start-config-rules-evaluation --region "$REGION" \
  --config-rule-names no-open-admin-ports
