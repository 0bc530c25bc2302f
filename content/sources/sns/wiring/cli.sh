#!/usr/bin/env bash
# The SNS wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists and its execution role may send
# messages to the orders-failed queue.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. A standard topic and the two failure queues.
TOPIC_ARN=$(aws sns create-topic --region "$REGION" --name orders --query TopicArn --output text)
aws sqs create-queue --region "$REGION" --queue-name orders-failed \
  --attributes MessageRetentionPeriod=1209600
aws sqs create-queue --region "$REGION" --queue-name orders-undelivered \
  --attributes MessageRetentionPeriod=1209600
UNDELIVERED_ARN="arn:aws:sqs:$REGION:$ACCOUNT_ID:orders-undelivered"

# 2. SNS may write to the undelivered queue, for this topic only. The attribute
#    value is itself a JSON document, hence the escaped quotes.
cat > queue-attributes.json <<JSON
{"Policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"sns.amazonaws.com\"}, \"Action\": \"sqs:SendMessage\", \"Resource\": \"$UNDELIVERED_ARN\", \"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": \"$TOPIC_ARN\"}}}]}"}
JSON
aws sqs set-queue-attributes --region "$REGION" \
  --queue-url "https://sqs.$REGION.amazonaws.com/$ACCOUNT_ID/orders-undelivered" \
  --attributes file://queue-attributes.json

# 3. Lambda's async settings: two retries, one hour at most, then the record goes
#    to orders-failed.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:$REGION:$ACCOUNT_ID:orders-failed\"}}"

# 4. The permission: only this topic may invoke the function.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id sns-orders \
  --action lambda:InvokeFunction \
  --principal sns.amazonaws.com \
  --source-arn "$TOPIC_ARN"

# 5. The subscription, with its filter policy and dead-letter queue.
cat > subscription-attributes.json <<JSON
{
  "FilterPolicy": "{\"type\": [\"order\"]}",
  "RedrivePolicy": "{\"deadLetterTargetArn\": \"$UNDELIVERED_ARN\"}"
}
JSON
aws sns subscribe --region "$REGION" \
  --topic-arn "$TOPIC_ARN" \
  --protocol lambda \
  --notification-endpoint "$FUNCTION_ARN" \
  --attributes file://subscription-attributes.json
