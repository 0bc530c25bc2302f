#!/usr/bin/env bash
# The Cognito user pool trigger wiring of template.yaml with the AWS CLI. Replace
# the CAPITALS first. Assumes the function FUNCTION_NAME exists.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. Stop before Cognito's 5-second limit.
aws lambda update-function-configuration --region "$REGION" \
  --function-name "$FUNCTION_NAME" --timeout 4 --memory-size 1024

# 2. The user pool, with the function as its pre sign-up trigger.
USER_POOL_ID=$(aws cognito-idp create-user-pool --region "$REGION" \
  --pool-name shop-users \
  --username-attributes email \
  --auto-verified-attributes email \
  --lambda-config "PreSignUp=$FUNCTION_ARN" \
  --query UserPool.Id --output text)

# 3. Only this user pool, in this account, may invoke the function.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id cognito-shop-users \
  --action lambda:InvokeFunction \
  --principal cognito-idp.amazonaws.com \
  --source-arn "arn:aws:cognito-idp:$REGION:$ACCOUNT_ID:userpool/$USER_POOL_ID" \
  --source-account "$ACCOUNT_ID"

# Careful later: update-user-pool resets every setting you leave out, the
# trigger list included, so always pass --lambda-config again.
