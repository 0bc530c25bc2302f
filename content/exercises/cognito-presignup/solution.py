ALLOWED_DOMAINS = {"example.com"}
BLOCKED_DOMAINS = {"throwaway.example", "tempmail.example"}


def handler(event, context):
    if event["triggerSource"] != "PreSignUp_SignUp":
        return event  # admin-created and federated users keep the defaults

    email = event["request"]["userAttributes"].get("email")
    if not email:
        return event
    domain = email.rpartition("@")[2].lower()

    if domain in BLOCKED_DOMAINS:
        print(f"blocked sign-up for {event['userName']} ({domain})")
        raise Exception("Sign-up with this email domain is not allowed.")
    if domain in ALLOWED_DOMAINS:
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
        print(f"auto-confirmed {event['userName']}")
    return event
