#!/usr/bin/env bash
# The DynamoDB Streams wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists and its execution role is FUNCTION_ROLE_NAME.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME

# 1. The table with its stream on, and the topic for abandoned batches.
aws dynamodb create-table --region "$REGION" --table-name orders \
  --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=orderId,AttributeType=S \
  --key-schema AttributeName=orderId,KeyType=HASH \
  --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES
STREAM_ARN=$(aws dynamodb describe-table --region "$REGION" --table-name orders \
  --query Table.LatestStreamArn --output text)
TOPIC_ARN=$(aws sns create-topic --region "$REGION" --name orders-failed-batches \
  --query TopicArn --output text)

# 2. The execution role reads the stream and may publish to the topic.
aws iam attach-role-policy --role-name FUNCTION_ROLE_NAME \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name publish-failed-batches \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sns:Publish",
      "Resource": "arn:aws:sns:'"$REGION"':'"$ACCOUNT_ID"':orders-failed-batches"}]
  }'

# 3. The mapping: split failing batches, give up after 3 retries or 1 hour,
#    report the failed record, and tell the topic what was skipped.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "$STREAM_ARN" \
  --starting-position TRIM_HORIZON \
  --batch-size 100 \
  --maximum-batching-window-in-seconds 5 \
  --bisect-batch-on-function-error \
  --maximum-retry-attempts 3 \
  --maximum-record-age-in-seconds 3600 \
  --function-response-types ReportBatchItemFailures \
  --destination-config "{\"OnFailure\": {\"Destination\": \"$TOPIC_ARN\"}}"
