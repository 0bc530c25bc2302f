#!/usr/bin/env bash
# The Application Load Balancer wiring of template.yaml with the AWS CLI. Replace
# the CAPITALS first. Assumes the function FUNCTION_NAME exists with a "live"
# alias, and an internet-facing load balancer whose ARN is LOAD_BALANCER_ARN.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
LOAD_BALANCER_ARN=LOAD_BALANCER_ARN
ALIAS_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION_NAME:live"

# 1. A target group for Lambda (health checks stay off).
TARGET_GROUP_ARN=$(aws elbv2 create-target-group --region "$REGION" \
  --name shop-lambda --target-type lambda \
  --query "TargetGroups[0].TargetGroupArn" --output text)

# 2. The load balancer may invoke the alias, for this target group and account only.
aws lambda add-permission --region "$REGION" \
  --function-name "$FUNCTION_NAME" --qualifier live \
  --statement-id elb-shop-lambda \
  --action lambda:InvokeFunction \
  --principal elasticloadbalancing.amazonaws.com \
  --source-arn "$TARGET_GROUP_ARN" \
  --source-account "$ACCOUNT_ID"

# 3. Register the alias (only after the permission exists).
aws elbv2 register-targets --region "$REGION" \
  --target-group-arn "$TARGET_GROUP_ARN" --targets "Id=$ALIAS_ARN"

# 4. Forward the HTTP listener's traffic to the target group.
aws elbv2 create-listener --region "$REGION" \
  --load-balancer-arn "$LOAD_BALANCER_ARN" \
  --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$TARGET_GROUP_ARN"
