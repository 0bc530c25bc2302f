#!/usr/bin/env bash
# The API Gateway REST API wiring of template.yaml with the AWS CLI. Replace the
# CAPITALS first. Assumes the function FUNCTION_NAME exists.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME"
INTEGRATION_URI="arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/$FUNCTION_ARN/invocations"

# 1. The function gives up after 8 s, before the 10 s integration timeout.
aws lambda update-function-configuration --region "$REGION" \
  --function-name "$FUNCTION_NAME" --timeout 8

# 2. A Regional REST API with a greedy {proxy+} resource.
API_ID=$(aws apigateway create-rest-api --region "$REGION" --name shop \
  --endpoint-configuration types=REGIONAL --query id --output text)
ROOT_ID=$(aws apigateway get-resources --region "$REGION" --rest-api-id "$API_ID" \
  --query "items[?path=='/'].id" --output text)
PROXY_ID=$(aws apigateway create-resource --region "$REGION" --rest-api-id "$API_ID" \
  --parent-id "$ROOT_ID" --path-part "{proxy+}" --query id --output text)

# 3. ANY on / and on /{proxy+}, each with a Lambda proxy integration (AWS_PROXY;
#    API Gateway always calls Lambda with POST) and a 10 s timeout.
for RESOURCE_ID in "$ROOT_ID" "$PROXY_ID"; do
  aws apigateway put-method --region "$REGION" --rest-api-id "$API_ID" \
    --resource-id "$RESOURCE_ID" --http-method ANY --authorization-type NONE
  aws apigateway put-integration --region "$REGION" --rest-api-id "$API_ID" \
    --resource-id "$RESOURCE_ID" --http-method ANY \
    --type AWS_PROXY --integration-http-method POST \
    --uri "$INTEGRATION_URI" --timeout-in-millis 10000
done

# 4. Only this API (any stage, method and path) may invoke the function.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --statement-id apigateway-shop \
  --action lambda:InvokeFunction \
  --principal apigateway.amazonaws.com \
  --source-arn "arn:aws:execute-api:$REGION:$ACCOUNT_ID:$API_ID/*"

# 5. Deploy to the prod stage and throttle it.
aws apigateway create-deployment --region "$REGION" --rest-api-id "$API_ID" --stage-name prod
aws apigateway update-stage --region "$REGION" --rest-api-id "$API_ID" --stage-name prod \
  --patch-operations \
    op=replace,path=/*/*/throttling/rateLimit,value=100 \
    op=replace,path=/*/*/throttling/burstLimit,value=50
echo "https://$API_ID.execute-api.$REGION.amazonaws.com/prod/"
