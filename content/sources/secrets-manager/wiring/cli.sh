#!/usr/bin/env bash
# The Secrets Manager rotation wiring of template.yaml with the AWS CLI. Replace the
# CAPITALS first. Assumes the rotation function FUNCTION_NAME (role FUNCTION_ROLE_NAME).
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME

# 1. The secret.
SECRET_ARN=$(aws secretsmanager create-secret --region "$REGION" \
  --name reporting-db --description "Credentials of the reporting database user" \
  --secret-string '{"username": "reporting", "password": "CHANGE_ME"}' \
  --query ARN --output text)

# 2. The execution role rotates it.
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name rotate-reporting-db \
  --policy-document '{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Resource": "'"$SECRET_ARN"'", "Action": ["secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]},
    {"Effect": "Allow", "Action": "secretsmanager:GetRandomPassword", "Resource": "*"}]}'

# 3. The function's resource-based policy: Secrets Manager, for this account only.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id secrets-manager-rotation \
  --action lambda:InvokeFunction \
  --principal secretsmanager.amazonaws.com \
  --source-account "$ACCOUNT_ID"

# 4. Turn rotation on: this also starts the first rotation straight away.
aws secretsmanager rotate-secret --region "$REGION" \
  --secret-id "$SECRET_ARN" \
  --rotation-lambda-arn "arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME" \
  --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'
