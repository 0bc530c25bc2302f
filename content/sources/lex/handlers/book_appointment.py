"""Amazon Lex V2 code hook for a BookAppointment intent.

One function serves the whole bot alias and locale, so it checks `invocationSource`:
- DialogCodeHook runs after each user turn: validate what was heard so far, then either
  ask again for a bad slot (ElicitSlot) or let Lex carry on (Delegate).
- FulfillmentCodeHook runs once the slots are filled (and confirmed): do the work, then
  close the intent with a message.
Every answer must contain `sessionState` with a `dialogAction.type`.
"""

import datetime

APPOINTMENT_TYPES = {"cleaning", "checkup", "filling"}
BOOKINGS = {}  # stands in for a database; keyed so a repeated call books only once


def slot_value(intent, name):
    slot = intent["slots"].get(name)
    if not slot:
        return None
    return slot["value"].get("interpretedValue")


def elicit(event, intent, slot_name, text):
    intent["slots"][slot_name] = None
    return {
        "sessionState": {
            "sessionAttributes": event["sessionState"].get("sessionAttributes", {}),
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": slot_name},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": text}],
    }


def validate(event):
    intent = event["sessionState"]["intent"]
    kind = slot_value(intent, "AppointmentType")
    if kind is not None and kind not in APPOINTMENT_TYPES:
        return elicit(event, intent, "AppointmentType",
                      "We book cleanings, checkups and fillings. Which one would you like?")
    date = slot_value(intent, "Date")
    if date is not None and datetime.date.fromisoformat(date).weekday() >= 5:
        return elicit(event, intent, "Date", "The practice is closed at weekends. Which weekday suits you?")
    # Everything heard so far is fine: let Lex continue with its own next step.
    return {
        "sessionState": {
            "sessionAttributes": event["sessionState"].get("sessionAttributes", {}),
            "dialogAction": {"type": "Delegate"},
            "intent": intent,
        }
    }


def fulfill(event):
    intent = event["sessionState"]["intent"]
    attributes = event["sessionState"].get("sessionAttributes", {})
    key = (event["sessionId"], intent["name"], slot_value(intent, "Date"), slot_value(intent, "Time"))
    reference = BOOKINGS.setdefault(key, f"APT-{len(BOOKINGS) + 1:05d}")
    intent["state"] = "Fulfilled"
    text = (f"Your {slot_value(intent, 'AppointmentType')} is booked for {slot_value(intent, 'Date')} "
            f"at {slot_value(intent, 'Time')}. Your reference is {reference}.")
    return {
        "sessionState": {
            "sessionAttributes": {**attributes, "lastBooking": reference},
            "dialogAction": {"type": "Close"},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": text}],
    }


def handler(event, context):
    if event["invocationSource"] == "FulfillmentCodeHook":
        return fulfill(event)
    return validate(event)
