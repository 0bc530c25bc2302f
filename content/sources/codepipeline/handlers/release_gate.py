"""A release gate run by a CodePipeline Invoke action.

CodePipeline invokes the function asynchronously and ignores its return value.
The action only finishes when the function reports the job result with
`PutJobSuccessResult` or `PutJobFailureResult` (execution role permissions
`codepipeline:PutJobSuccessResult` / `codepipeline:PutJobFailureResult`).

Triggerlab examples never call AWS, so this handler builds the exact request it
would send and returns it. In a real function you would pass it to the SDK, for
example `codepipeline.put_job_success_result(**request)`.

Two habits matter here:
* report a failure instead of raising: an unhandled exception makes Lambda retry
  the asynchronous event, and the pipeline waits until the action times out;
* never log `artifactCredentials`: they are live, temporary AWS credentials.
"""

import json

# Stand-in for the facts a real gate would look up (incident tool, artifact zip...).
OPEN_INCIDENTS = {"staging": 0, "production": 1}
FILES_IN_ARTIFACT = {"appspec.yml", "buildspec.yml", "dist/app.zip"}


def evaluate(params, artifact):
    problems = []
    environment = params.get("environment", "staging")
    if OPEN_INCIDENTS.get(environment, 0) > params.get("maxOpenIncidents", 0):
        problems.append(f"{environment} has open incidents")
    missing = set(params.get("requiredFiles", [])) - FILES_IN_ARTIFACT
    if missing:
        problems.append(f"artifact {artifact['name']} lacks {sorted(missing)}")
    if not artifact.get("revision"):
        problems.append(f"artifact {artifact['name']} has no revision")
    return problems


def handler(event, context):
    job = event["CodePipeline.job"]
    job_id = job["id"]
    data = job["data"]
    request_id = getattr(context, "aws_request_id", "local-test")

    try:
        params = json.loads(data["actionConfiguration"]["configuration"].get("UserParameters") or "{}")
        artifact = data["inputArtifacts"][0]
        problems = evaluate(params, artifact)
    except (ValueError, KeyError, IndexError) as error:
        # Bad configuration: fail the action now rather than let it time out.
        report = {
            "api": "PutJobFailureResult",
            "request": {
                "jobId": job_id,
                "failureDetails": {"type": "ConfigurationError", "message": f"cannot read job: {error}"[:5000],
                                   "externalExecutionId": request_id},
            },
        }
        print(f"job {job_id}: configuration error {error}")
        return report

    if problems:
        report = {
            "api": "PutJobFailureResult",
            "request": {
                "jobId": job_id,
                "failureDetails": {"type": "JobFailed", "message": "; ".join(problems),
                                   "externalExecutionId": request_id},
            },
        }
    else:
        report = {
            "api": "PutJobSuccessResult",
            "request": {
                "jobId": job_id,
                "executionDetails": {"summary": f"gate passed for {artifact['revision'][:12]}",
                                     "externalExecutionId": request_id, "percentComplete": 100},
                # Key-value pairs later actions can read; allowed only on the final call (no continuationToken).
                "outputVariables": {"GateRevision": artifact["revision"]},
            },
        }
    print(f"job {job_id}: would call {report['api']}")
    return report
