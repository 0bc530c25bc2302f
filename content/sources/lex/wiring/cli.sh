#!/usr/bin/env bash
# The Lex V2 wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the bot BOT_ID has a built en_US locale whose CheckOrderStatus intent has its
# fulfillment code hook enabled, and that version 1 of the bot has been created.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
BOT_ID=BOT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. The "live" alias serves version 1 and names one function for its en_US locale.
ALIAS_ID=$(aws lexv2-models create-bot-alias --region "$REGION" \
  --bot-id "$BOT_ID" --bot-alias-name live --bot-version 1 \
  --bot-alias-locale-settings '{"en_US": {"enabled": true, "codeHookSpecification":
    {"lambdaCodeHook": {"lambdaARN": "'"$FUNCTION_ARN"'", "codeHookInterfaceVersion": "1.0"}}}}' \
  --query botAliasId --output text)

# 2. The function's resource-based policy: Lex V2 may invoke it, for this alias only.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id lex-live-alias \
  --action lambda:InvokeFunction \
  --principal lexv2.amazonaws.com \
  --source-arn "arn:aws:lex:$REGION:$ACCOUNT_ID:bot-alias/$BOT_ID/$ALIAS_ID" \
  --source-account "$ACCOUNT_ID"
