#!/usr/bin/env bash
# The Amazon MQ (ActiveMQ) wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the broker BROKER_ARN, a secret with "username" and "password", and the
# function FUNCTION_NAME with role FUNCTION_ROLE_NAME.
set -euo pipefail

REGION=REGION
FUNCTION_NAME=FUNCTION_NAME
BROKER_ARN=BROKER_ARN
BROKER_SG=BROKER_SECURITY_GROUP_ID
SECRET_ARN=BROKER_SECRET_ARN

# 1. The pollers use the broker's security group: let it reach the OpenWire port.
aws ec2 authorize-security-group-ingress --region "$REGION" --group-id "$BROKER_SG" \
  --protocol tcp --port 61617 --source-group "$BROKER_SG"

# 2. The execution role: describe the broker, read the secret, manage the pollers'
#    network interfaces.
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name mq-consumer \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": "mq:DescribeBroker", "Resource": "'"$BROKER_ARN"'"},
      {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "'"$SECRET_ARN"'"},
      {"Effect": "Allow", "Resource": "*", "Action": [
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]}
    ]
  }'

# 3. The mapping on one queue. There is nothing to set for retries: the broker
#    redelivers and applies its own dead-letter policy.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "$BROKER_ARN" \
  --queues invoices \
  --source-access-configurations "Type=BASIC_AUTH,URI=$SECRET_ARN" \
  --batch-size 10 \
  --maximum-batching-window-in-seconds 1
