#!/usr/bin/env bash
# The API Gateway HTTP API wiring of template.yaml with the AWS CLI. Replace the
# CAPITALS first. Assumes the function FUNCTION_NAME exists.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"

# 1. The function gives up after 8 s, before the 10 s integration timeout.
aws lambda update-function-configuration --region "$REGION" \
  --function-name "$FUNCTION_NAME" --timeout 8

# 2. The API, its Lambda integration (payload format 2.0, 10 s) and the
#    $default route, which catches every request.
API_ID=$(aws apigatewayv2 create-api --region "$REGION" --name shop \
  --protocol-type HTTP --query ApiId --output text)
INTEGRATION_ID=$(aws apigatewayv2 create-integration --region "$REGION" --api-id "$API_ID" \
  --integration-type AWS_PROXY \
  --integration-uri "$FUNCTION_ARN" \
  --payload-format-version 2.0 \
  --timeout-in-millis 10000 \
  --query IntegrationId --output text)
aws apigatewayv2 create-route --region "$REGION" --api-id "$API_ID" \
  --route-key '$default' --target "integrations/$INTEGRATION_ID"

# 3. Only this API may invoke the function (the console does this for you; the
#    CLI does not).
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id apigateway-shop-http \
  --action lambda:InvokeFunction \
  --principal apigateway.amazonaws.com \
  --source-arn "arn:aws:execute-api:$REGION:$ACCOUNT_ID:$API_ID/*"

# 4. An auto-deployed $default stage with a throttle.
aws apigatewayv2 create-stage --region "$REGION" --api-id "$API_ID" \
  --stage-name '$default' --auto-deploy \
  --default-route-settings ThrottlingRateLimit=100,ThrottlingBurstLimit=50
echo "https://$API_ID.execute-api.$REGION.amazonaws.com/"
