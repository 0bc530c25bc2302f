#!/usr/bin/env bash
# The Alexa skill wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists and the skill's ID is SKILL_ID.
set -euo pipefail

REGION=REGION
FUNCTION_NAME=FUNCTION_NAME
SKILL_ID=SKILL_ID # amzn1.ask.skill....

# The function's resource-based policy: the Alexa Skills Kit may invoke it, but only
# when it presents this skill's ID as the event source token.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id alexa-order-skill \
  --action lambda:InvokeFunction \
  --principal alexa-appkit.amazon.com \
  --event-source-token "$SKILL_ID"

# Then set the skill's default endpoint to the function's ARN in the Alexa developer console.
aws lambda get-function --region "$REGION" --function-name "$FUNCTION_NAME" \
  --query Configuration.FunctionArn --output text
