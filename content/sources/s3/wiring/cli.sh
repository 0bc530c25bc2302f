#!/usr/bin/env bash
# The S3 wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists in REGION and its execution role may
# read incoming/*, write processed/* and send messages to the failure queue.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
BUCKET="uploads-$ACCOUNT_ID-$REGION"
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. The queue that keeps a record of every event that failed all attempts.
QUEUE_URL=$(aws sqs create-queue --region "$REGION" --queue-name uploads-failed \
  --attributes MessageRetentionPeriod=1209600 --query QueueUrl --output text)
QUEUE_ARN=$(aws sqs get-queue-attributes --region "$REGION" --queue-url "$QUEUE_URL" \
  --attribute-names QueueArn --query Attributes.QueueArn --output text)

# 2. Lambda's async settings: one hour at most in the queue, two retries, then the
#    invocation record goes to the queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-event-age-in-seconds 3600 \
  --maximum-retry-attempts 2 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"$QUEUE_ARN\"}}"

# 3. The bucket, then the permission: S3 may invoke the function for this bucket,
#    owned by this account, only.
aws s3api create-bucket --region "$REGION" --bucket "$BUCKET" \
  --create-bucket-configuration "LocationConstraint=$REGION"  # omit this line in us-east-1
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id s3-uploads \
  --action lambda:InvokeFunction \
  --principal s3.amazonaws.com \
  --source-arn "arn:aws:s3:::$BUCKET" \
  --source-account "$ACCOUNT_ID"

# 4. The notification: new objects under incoming/ invoke the function.
aws s3api put-bucket-notification-configuration --region "$REGION" --bucket "$BUCKET" \
  --notification-configuration "{
    \"LambdaFunctionConfigurations\": [{
      \"LambdaFunctionArn\": \"$FUNCTION_ARN\",
      \"Events\": [\"s3:ObjectCreated:*\"],
      \"Filter\": {\"Key\": {\"FilterRules\": [{\"Name\": \"prefix\", \"Value\": \"incoming/\"}]}}
    }]
  }"
