#!/usr/bin/env bash
# The self-managed Kafka wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME with role FUNCTION_ROLE_NAME, and a secret with
# "username" and "password" for SASL/SCRAM in the same Region.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
SECRET_ARN=SCRAM_SECRET_ARN
SUBNET_ID=SUBNET_ID
SECURITY_GROUP_ID=SECURITY_GROUP_ID
QUEUE_ARN="arn:aws:sqs:$REGION:$ACCOUNT_ID:orders-failed-batches"

# 1. The destination queue, and the execution role's permissions: the secret,
#    the pollers' network interfaces, and sending to the queue.
aws sqs create-queue --region "$REGION" --queue-name orders-failed-batches
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name kafka-consumer \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "'"$SECRET_ARN"'"},
      {"Effect": "Allow", "Resource": "*", "Action": [
        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
        "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]},
      {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "'"$QUEUE_ARN"'"}
    ]
  }'

# 2. The mapping: brokers, topic, SASL/SCRAM login, the VPC to reach them from,
#    and provisioned mode so the error-handling controls apply.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --self-managed-event-source '{"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["BROKER_HOST_1:9096", "BROKER_HOST_2:9096"]}}' \
  --self-managed-kafka-event-source-config ConsumerGroupId=orders-consumer \
  --topics orders \
  --starting-position TRIM_HORIZON \
  --batch-size 100 \
  --maximum-batching-window-in-seconds 1 \
  --source-access-configurations \
    "Type=SASL_SCRAM_512_AUTH,URI=$SECRET_ARN" \
    "Type=VPC_SUBNET,URI=subnet:$SUBNET_ID" \
    "Type=VPC_SECURITY_GROUP,URI=security_group:$SECURITY_GROUP_ID" \
  --provisioned-poller-config MinimumPollers=1,MaximumPollers=3 \
  --bisect-batch-on-function-error \
  --maximum-retry-attempts 3 \
  --maximum-record-age-in-seconds 3600 \
  --function-response-types ReportBatchItemFailures \
  --destination-config "{\"OnFailure\": {\"Destination\": \"$QUEUE_ARN\"}}"
