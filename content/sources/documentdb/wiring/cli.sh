#!/usr/bin/env bash
# The DocumentDB wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes an instance-based 4.0/5.0 cluster with TLS on and change streams enabled for
# shop.orders, a secret with "username" and "password", and the function FUNCTION_NAME
# with role FUNCTION_ROLE_NAME.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
CLUSTER_ARN=CLUSTER_ARN
CLUSTER_SG=CLUSTER_SECURITY_GROUP_ID
SECRET_ARN=CLUSTER_SECRET_ARN

# 1. The pollers use the cluster's security group: let it reach port 27017.
aws ec2 authorize-security-group-ingress --region "$REGION" --group-id "$CLUSTER_SG" \
  --protocol tcp --port 27017 --source-group "$CLUSTER_SG"

# 2. A queue where the handler parks changes it cannot process.
QUEUE_URL=$(aws sqs create-queue --region "$REGION" --queue-name order-changes-parked \
  --attributes MessageRetentionPeriod=1209600 --query QueueUrl --output text)
aws lambda update-function-configuration --region "$REGION" --function-name "$FUNCTION_NAME" \
  --environment "Variables={PARKED_CHANGES_QUEUE_URL=$QUEUE_URL}"

# 3. The execution role: the cluster, its network, the secret, and the parking queue.
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name docdb-consumer \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Resource": "*", "Action": [
        "rds:DescribeDBClusters", "rds:DescribeDBClusterParameters", "rds:DescribeDBSubnetGroups",
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]},
      {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "'"$SECRET_ARN"'"},
      {"Effect": "Allow", "Action": "sqs:SendMessage",
       "Resource": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':order-changes-parked"}
    ]
  }'

# 4. The mapping on shop.orders, with the whole document on updates.
aws lambda create-event-source-mapping --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --event-source-arn "$CLUSTER_ARN" \
  --document-db-event-source-config DatabaseName=shop,CollectionName=orders,FullDocument=UpdateLookup \
  --source-access-configurations "Type=BASIC_AUTH,URI=$SECRET_ARN" \
  --starting-position LATEST \
  --batch-size 100 \
  --maximum-batching-window-in-seconds 1
