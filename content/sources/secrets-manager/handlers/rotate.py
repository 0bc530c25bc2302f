"""A rotation function that dispatches on `Step`.

Secrets Manager calls the same function once per rotation step, in order:
createSecret, setSecret, testSecret, finishSecret. All four calls carry the
same `SecretId` and `ClientRequestToken` (the ID of the new secret version).
If a step raises, the rotation fails and Secrets Manager retries the whole
rotation, so every step must be safe to run again.

Triggerlab examples never call AWS. `SecretsStandIn` below plays the part of
the Secrets Manager API (DescribeSecret, GetSecretValue, PutSecretValue,
UpdateSecretVersionStage) and of the partner system whose API key we rotate.
It starts in the state a real secret is in part-way through this rotation
(createSecret and setSecret have already run once for the sample token), so
each sample step can be run on its own. createSecret and setSecret therefore
show the retry path: their work is already done, so they change nothing.
"""

import secrets


class SecretsStandIn:
    def __init__(self):
        self.versions = {
            "5f0e2c7a-1d3b-4a69-8e4f-2b6c9d0a1e37": {"value": "key-old-7Qz1", "stages": {"AWSCURRENT"}},
            "9b8e6f4a-3c2d-4e1f-a0b9-8c7d6e5f4a3b": {"value": "key-new-Lp4x", "stages": {"AWSPENDING"}},
        }
        self.partner_keys = {"key-old-7Qz1", "key-new-Lp4x"}  # keys the partner API accepts
        self.rotation_enabled = True

    def version_with_stage(self, stage):
        return next(v for v, info in self.versions.items() if stage in info["stages"])

    def move_stage(self, stage, to_version):
        for info in self.versions.values():
            info["stages"].discard(stage)
        self.versions[to_version]["stages"].add(stage)


SERVICE = SecretsStandIn()


def create_secret(token):
    if token in SERVICE.versions:
        return f"version {token} already exists; nothing to do"
    SERVICE.versions[token] = {"value": "key-" + secrets.token_urlsafe(12), "stages": {"AWSPENDING"}}
    return f"created AWSPENDING version {token}"


def set_secret(token):
    pending = SERVICE.versions[token]["value"]
    if pending in SERVICE.partner_keys:
        return "partner system already accepts the pending key; nothing to do"
    SERVICE.partner_keys.add(pending)
    return "partner system now accepts the pending key"


def test_secret(token):
    pending = SERVICE.versions[token]["value"]
    if pending not in SERVICE.partner_keys:
        raise RuntimeError("pending key rejected by the partner system")
    return "pending key works"


def finish_secret(token):
    current = SERVICE.version_with_stage("AWSCURRENT")
    if current == token:
        return "already current; nothing to do"
    SERVICE.move_stage("AWSCURRENT", token)
    SERVICE.move_stage("AWSPREVIOUS", current)
    SERVICE.versions[token]["stages"].discard("AWSPENDING")
    return f"AWSCURRENT moved from {current} to {token}"


STEPS = {
    "createSecret": create_secret,
    "setSecret": set_secret,
    "testSecret": test_secret,
    "finishSecret": finish_secret,
}


def handler(event, context):
    step = event["Step"]
    token = event["ClientRequestToken"]
    if not SERVICE.rotation_enabled:
        raise ValueError(f"rotation is not enabled for {event['SecretId']}")
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    if token not in SERVICE.versions and step != "createSecret":
        raise ValueError(f"no version {token} to work on")

    outcome = STEPS[step](token)
    # Log the step and outcome, never the secret value.
    print(f"{step}: {outcome}")
    return {"step": step, "outcome": outcome}
