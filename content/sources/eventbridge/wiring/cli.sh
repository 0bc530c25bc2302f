#!/usr/bin/env bash
# The EventBridge wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists and its execution role may send
# messages to the orders-failed queue.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"
RULE_ARN="arn:aws:events:$REGION:$ACCOUNT_ID:rule/order-placed"
UNDELIVERED_ARN="arn:aws:sqs:$REGION:$ACCOUNT_ID:orders-undelivered"

# 1. Two standard queues: one for events EventBridge could not deliver, one for
#    events the function failed on. EventBridge may write to the first, for this
#    rule only (the attribute value is a JSON document, hence the escaped quotes).
aws sqs create-queue --region "$REGION" --queue-name orders-failed \
  --attributes MessageRetentionPeriod=1209600
cat > queue-attributes.json <<JSON
{
  "MessageRetentionPeriod": "1209600",
  "Policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"events.amazonaws.com\"}, \"Action\": \"sqs:SendMessage\", \"Resource\": \"$UNDELIVERED_ARN\", \"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": \"$RULE_ARN\"}}}]}"
}
JSON
aws sqs create-queue --region "$REGION" --queue-name orders-undelivered \
  --attributes file://queue-attributes.json

# 2. Lambda's async settings for the function itself.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:orders-failed\"}}"

# 3. The rule on the default bus.
aws events put-rule --region "$REGION" --name order-placed \
  --event-pattern '{"source": ["com.example.shop"], "detail-type": ["OrderPlaced"]}'

# 4. Only this rule may invoke the function.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id events-order-placed \
  --action lambda:InvokeFunction \
  --principal events.amazonaws.com \
  --source-arn "$RULE_ARN"

# 5. The target, with its retry policy (10 retries, 2 hours) and dead-letter queue.
aws events put-targets --region "$REGION" --rule order-placed \
  --targets "[{
    \"Id\": \"order-function\",
    \"Arn\": \"$FUNCTION_ARN\",
    \"RetryPolicy\": {\"MaximumRetryAttempts\": 10, \"MaximumEventAgeInSeconds\": 7200},
    \"DeadLetterConfig\": {\"Arn\": \"$UNDELIVERED_ARN\"}
  }]"
