#!/usr/bin/env bash
# The CodePipeline wiring of template.yaml with the AWS CLI. Replace the CAPITALS first.
# Assumes the function FUNCTION_NAME (role FUNCTION_ROLE_NAME), the versioned bucket
# BUCKET_NAME with source/app.zip, the queue job-events-failed, and a pipeline service
# role PIPELINE_ROLE_NAME with S3 access to the bucket.
set -euo pipefail

REGION=REGION
ACCOUNT_ID=ACCOUNT_ID
FUNCTION_NAME=FUNCTION_NAME
BUCKET_NAME=BUCKET_NAME

# 1. The function's execution role reports the job result.
aws iam put-role-policy --role-name FUNCTION_ROLE_NAME --policy-name report-job-result \
  --policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"], "Resource": "*"}]}'

# 2. The pipeline's service role invokes the function.
aws iam put-role-policy --role-name PIPELINE_ROLE_NAME --policy-name invoke-smoke-test \
  --policy-document '{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "lambda:InvokeFunction",
     "Resource": "arn:aws:lambda:'"$REGION"':'"$ACCOUNT_ID"':function:'"$FUNCTION_NAME"'"},
    {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"}]}'

# 3. Asynchronous failures: one retry, then the event goes to the queue.
aws lambda put-function-event-invoke-config --region "$REGION" \
  --function-name "$FUNCTION_NAME" \
  --maximum-retry-attempts 1 \
  --destination-config '{"OnFailure": {"Destination": "arn:aws:sqs:'"$REGION"':'"$ACCOUNT_ID"':job-events-failed"}}'

# 4. The pipeline: S3 source, then the Lambda Invoke action.
aws codepipeline create-pipeline --region "$REGION" --pipeline '{
  "name": "release", "pipelineType": "V2",
  "roleArn": "arn:aws:iam::'"$ACCOUNT_ID"':role/PIPELINE_ROLE_NAME",
  "artifactStore": {"type": "S3", "location": "'"$BUCKET_NAME"'"},
  "stages": [
    {"name": "Source", "actions": [{"name": "Source",
      "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
      "configuration": {"S3Bucket": "'"$BUCKET_NAME"'", "S3ObjectKey": "source/app.zip", "PollForSourceChanges": "false"},
      "outputArtifacts": [{"name": "SourceOutput"}]}]},
    {"name": "Test", "actions": [{"name": "SmokeTest",
      "actionTypeId": {"category": "Invoke", "owner": "AWS", "provider": "Lambda", "version": "1"},
      "configuration": {"FunctionName": "'"$FUNCTION_NAME"'", "UserParameters": "{\"url\": \"https://staging.example.com/health\"}"},
      "inputArtifacts": [{"name": "SourceOutput"}]}]}
  ]}'
