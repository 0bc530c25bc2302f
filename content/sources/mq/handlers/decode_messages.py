"""Decode Amazon MQ batches from ActiveMQ and RabbitMQ.

ActiveMQ (eventSource "aws:mq") sends a flat `messages` list; RabbitMQ
("aws:rmq") groups messages under "<queue>::<virtual host>". In both, `data`
is the message body, base64-encoded. Raising fails the whole batch, and the
broker's redelivery settings decide what happens next.
"""

import base64
import json


def activemq_messages(event):
    for message in event["messages"]:
        yield message["destination"]["physicalName"], message["messageID"], message["redelivered"], message["data"]


def rabbitmq_messages(event):
    for queue_and_vhost, messages in event["rmqMessagesByQueue"].items():
        queue = queue_and_vhost.rsplit("::", 1)[0]
        for message in messages:
            message_id = message["basicProperties"].get("messageId")
            yield queue, message_id, message["redelivered"], message["data"]


def handler(event, context):
    source = event["eventSource"]
    if source == "aws:mq":
        messages = activemq_messages(event)
    elif source == "aws:rmq":
        messages = rabbitmq_messages(event)
    else:
        raise ValueError(f"not an Amazon MQ event: {source!r}")

    count = 0
    for queue, message_id, redelivered, data in messages:
        body = json.loads(base64.b64decode(data))
        note = " (redelivered: check it was not already applied)" if redelivered else ""
        print(f"{queue} {message_id}{note}: {body}")
        count += 1
    return {"processed": count}
