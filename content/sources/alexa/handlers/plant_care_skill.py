"""A custom Alexa skill answered from Lambda, without the ASK SDK.

Alexa sends one request and waits for the reply: a JSON object with `version` and a
`response` holding what Alexa says (`outputSpeech`), an optional `card` and `reprompt`,
and `shouldEndSession`. Anything kept in `sessionAttributes` comes back on the next
request of the same session as `session.attributes`.
"""

SKILL_ID = "amzn1.ask.skill.6f2b8c1d-3e4a-4b5c-9d7e-8a0f1b2c3d4e"

WATERING_DAYS = {"SANSEVIERIA": 14, "MONSTERA": 7, "BASIL": 2}


def speak(text, *, reprompt=None, end=False, attributes=None, card_title=None):
    response = {
        "outputSpeech": {"type": "PlainText", "text": text},
        "shouldEndSession": end,
    }
    if reprompt:
        response["reprompt"] = {"outputSpeech": {"type": "PlainText", "text": reprompt}}
    if card_title:
        response["card"] = {"type": "Simple", "title": card_title, "content": text}
    return {"version": "1.0", "sessionAttributes": attributes or {}, "response": response}


def resolved_id(slot):
    """The canonical value id from entity resolution, or None if nothing matched."""
    for authority in slot.get("resolutions", {}).get("resolutionsPerAuthority", []):
        if authority["status"]["code"] == "ER_SUCCESS_MATCH":
            return authority["values"][0]["value"]["id"]
    return None


def handler(event, context):
    # Belt and braces: the trigger should already be limited to this skill ID.
    if event["session"]["application"]["applicationId"] != SKILL_ID:
        raise ValueError("request is not for this skill")

    attributes = dict(event["session"].get("attributes") or {})
    request = event["request"]

    if request["type"] == "LaunchRequest":
        attributes["launchCount"] = attributes.get("launchCount", 0) + 1
        return speak("Welcome to Plant Care. Which plant would you like watering advice for?",
                     reprompt="Tell me a plant, for example basil.", attributes=attributes)

    if request["type"] == "IntentRequest" and request["intent"]["name"] == "WateringAdviceIntent":
        slot = request["intent"]["slots"].get("PlantType", {})
        days = WATERING_DAYS.get(resolved_id(slot))
        if days is None:
            return speak("I don't know that plant yet. Try basil or a snake plant.",
                         reprompt="Which plant?", attributes=attributes)
        text = f"Water your {slot['value']} about every {days} days, when the soil feels dry."
        return speak(text, end=True, attributes=attributes, card_title="Watering advice")

    if request["type"] == "SessionEndedRequest":
        # Alexa ignores any speech here; just finish cleanly.
        return {"version": "1.0", "response": {}}

    return speak("Sorry, I can't help with that.", end=True)
