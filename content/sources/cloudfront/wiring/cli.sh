#!/usr/bin/env bash
# The Lambda@Edge wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists in us-east-1 and its execution role
# trusts both lambda.amazonaws.com and edgelambda.amazonaws.com.
set -euo pipefail

# Lambda@Edge functions live in US East (N. Virginia), whatever the viewers' Region.
REGION=us-east-1
FUNCTION_NAME=FUNCTION_NAME
DISTRIBUTION_ID=DISTRIBUTION_ID

# 1. Viewer triggers: stay within 5 s and 128 MB.
aws lambda update-function-configuration --region "$REGION" \
  --function-name "$FUNCTION_NAME" --timeout 5 --memory-size 128
aws lambda wait function-updated --region "$REGION" --function-name "$FUNCTION_NAME"

# 2. Publish a numbered version: CloudFront cannot use $LATEST or an alias.
VERSION_ARN=$(aws lambda publish-version --region "$REGION" \
  --function-name "$FUNCTION_NAME" --query FunctionArn --output text)

# 3. Associate the version with the default cache behavior's viewer-request
#    event: fetch the configuration, add the association, send it back with the ETag.
ETAG=$(aws cloudfront get-distribution-config --id "$DISTRIBUTION_ID" --query ETag --output text)
aws cloudfront get-distribution-config --id "$DISTRIBUTION_ID" \
  --query DistributionConfig --output json > distribution-config.json
python3 - "$VERSION_ARN" <<'PY'
import json, sys
with open("distribution-config.json") as f:
    config = json.load(f)
config["DefaultCacheBehavior"]["LambdaFunctionAssociations"] = {
    "Quantity": 1,
    "Items": [{"LambdaFunctionARN": sys.argv[1], "EventType": "viewer-request",
               "IncludeBody": False}],
}
with open("distribution-config.json", "w") as f:
    json.dump(config, f)
PY
aws cloudfront update-distribution --id "$DISTRIBUTION_ID" --if-match "$ETAG" \
  --distribution-config file://distribution-config.json
