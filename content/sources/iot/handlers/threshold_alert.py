"""Check a temperature threshold on the result of an AWS IoT rule's SELECT.

The event is not the raw MQTT message: it is whatever the rule's SQL produced.
This rule adds the topic and the rules engine's timestamp to the device data:

    SELECT topic(3) AS deviceId, topic() AS topic, timestamp() AS timestamp,
           temperature, pressure, unit, firmware
    FROM 'factory/+/+/telemetry'

A reading can arrive more than once, so alerts are keyed on the device and
the timestamp (a real function would keep them in a durable store).
"""

from datetime import datetime, timezone

TEMPERATURE_LIMIT_C = 90.0
ALERTED = set()


def handler(event, context):
    reading_time = datetime.fromtimestamp(event["timestamp"] / 1000, tz=timezone.utc)
    if event["temperature"] <= TEMPERATURE_LIMIT_C:
        return {"deviceId": event["deviceId"], "alert": False}
    alert_key = (event["deviceId"], event["timestamp"])
    if alert_key not in ALERTED:
        print(
            f"ALERT {event['deviceId']}: {event['temperature']} {event['unit']} "
            f"> {TEMPERATURE_LIMIT_C} at {reading_time.isoformat()} (topic {event['topic']})"
        )
        ALERTED.add(alert_key)
    # AWS IoT never sees this value; it only makes local runs easy to check.
    return {"deviceId": event["deviceId"], "alert": True}
