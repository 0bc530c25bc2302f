"""Pre sign-up trigger: auto-confirm people who sign up with a company email address.

Cognito waits for this function (5 seconds at most, then it may call again), so keep
it to quick checks on the event. The function must hand the event back: whatever is set in
event["response"] is what Cognito acts on.
"""

ALLOWED_DOMAINS = {"example.com"}


def email_domain(attributes):
    email = attributes.get("email", "")
    return email.rpartition("@")[2].lower()


def handler(event, context):
    # Only self-service sign-up; admin-created and federated users keep the defaults.
    if event["triggerSource"] != "PreSignUp_SignUp":
        return event

    attributes = event["request"]["userAttributes"]
    if email_domain(attributes) in ALLOWED_DOMAINS:
        # Skip the confirmation code: the address belongs to our own domain.
        event["response"]["autoConfirmUser"] = True
        # Marking the email verified needs a non-empty email attribute, which we just checked.
        event["response"]["autoVerifyEmail"] = True
        print(f"auto-confirmed {event['userName']} ({attributes['email']})")
    else:
        # Leave the response as it came: Cognito's normal confirmation flow applies.
        print(f"{event['userName']} must confirm by code")
    return event
