#!/usr/bin/env bash
# The Step Functions wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME exists (timeout 30 s).
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_ARN="arn:aws:lambda:$REGION:$ACCOUNT_ID:function:FUNCTION_NAME"

# 1. The state machine's execution role may invoke the function, its versions and aliases.
aws iam create-role --role-name order-workflow \
  --assume-role-policy-document '{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"},
      "Action": "sts:AssumeRole"}]
  }'
aws iam put-role-policy --role-name order-workflow --policy-name invoke-process-order \
  --policy-document '{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
      "Resource": ["'"$FUNCTION_ARN"'", "'"$FUNCTION_ARN"':*"]}]
  }'

# 2. The state machine: lambda:invoke with the whole input as payload, retries for
#    transient errors, a catch for the rest.
aws stepfunctions create-state-machine --region "$REGION" \
  --name order-workflow --type STANDARD \
  --role-arn "arn:aws:iam::$ACCOUNT_ID:role/order-workflow" \
  --definition '{
    "StartAt": "ProcessOrder",
    "States": {
      "ProcessOrder": {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "'"$FUNCTION_ARN"'", "Payload.$": "$"},
        "OutputPath": "$.Payload",
        "TimeoutSeconds": 40,
        "Retry": [
          {"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
             "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
           "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"},
          {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 1}
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}],
        "End": true
      },
      "RecordFailure": {"Type": "Pass", "Result": "failed", "ResultPath": "$.status", "End": true}
    }
  }'
