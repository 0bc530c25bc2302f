#!/usr/bin/env bash
# The MSK wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes a provisioned MSK cluster with SASL/SCRAM on, a secret AmazonMSK_orders
# associated with it, and the function FUNCTION_NAME with role FUNCTION_ROLE_NAME.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
CLUSTER_ARN=CLUSTER_ARN
CLUSTER_SG=CLUSTER_SECURITY_GROUP_ID
SECRET_ARN=SCRAM_SECRET_ARN
SECRET_KEY_ARN=SCRAM_SECRET_KMS_KEY_ARN

# 1. The pollers use the cluster's security group: let it reach the SASL/SCRAM port.
aws ec2 authorize-security-group-ingress --region "$REGION" --group-id "$CLUSTER_SG" \
  --protocol tcp --port 9096 --source-group "$CLUSTER_SG"

# 2. The execution role: cluster and network-interface access, the secret, its key,
#    and the destination queue.
aws sqs create-queue --region "$REGION" --queue-name orders-failed-batches
aws iam attach-role-policy --role-name FUNCTION_ROLE_NAME \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name msk-consumer \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "'"$SECRET_ARN"'"},
      {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "'"$SECRET_KEY_ARN"'"},
      {"Effect": "Allow", "Action": "sqs:SendMessage",
       "Resource": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':orders-failed-batches"}
    ]
  }'

# 3. The mapping, in provisioned mode so the error-handling controls apply.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "$CLUSTER_ARN" \
  --topics orders \
  --amazon-managed-kafka-event-source-config ConsumerGroupId=orders-consumer \
  --starting-position TRIM_HORIZON \
  --batch-size 100 \
  --maximum-batching-window-in-seconds 1 \
  --source-access-configurations "Type=SASL_SCRAM_512_AUTH,URI=$SECRET_ARN" \
  --provisioned-poller-config MinimumPollers=1,MaximumPollers=3 \
  --bisect-batch-on-function-error \
  --maximum-retry-attempts 3 \
  --maximum-record-age-in-seconds 3600 \
  --function-response-types ReportBatchItemFailures \
  --destination-config '{"OnFailure": {"Destination": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':orders-failed-batches"}}'
