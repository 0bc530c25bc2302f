"""Parse the HTTP-group sample events with Powertools data classes and check documented properties.

No Powertools class exists for Lambda@Edge (CloudFront) events or for the free-form
payloads of direct Invoke calls, so those samples are not covered here.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from aws_lambda_powertools.utilities.data_classes import (
    ALBEvent,
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    LambdaFunctionUrlEvent,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


def load(slug: str, name: str) -> dict:
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text(encoding="utf-8"))


def test_rest_get_order_parses_as_proxy_event():
    raw = load("api-gateway-rest", "get_order.json")
    event = APIGatewayProxyEvent(raw)
    assert event.resource == raw["resource"] == "/orders/{orderId}"
    assert event.path == raw["path"]
    assert event.http_method == "GET"
    assert event.path_parameters == {"orderId": "ord-1001"}
    assert event.query_string_parameters == raw["queryStringParameters"]
    assert event.multi_value_query_string_parameters["expand"] == ["items", "customer"]
    assert event.multi_value_headers["X-Client-Tag"] == ["mobile", "beta"]
    assert event.headers.get("x-client-tag") == raw["headers"]["X-Client-Tag"]
    assert event.stage_variables == raw["stageVariables"]
    assert event.body is None
    assert event.is_base64_encoded is False
    context = event.request_context
    assert context.stage == "prod"
    assert context.request_id == raw["requestContext"]["requestId"]
    assert context.resource_path == raw["resource"]
    assert context.path == "/prod/orders/ord-1001"
    assert context.identity.source_ip == raw["requestContext"]["identity"]["sourceIp"]


def test_rest_post_order_body_is_a_json_string():
    raw = load("api-gateway-rest", "post_order.json")
    event = APIGatewayProxyEvent(raw)
    assert event.http_method == "POST"
    assert event.body == raw["body"]
    assert event.json_body == json.loads(raw["body"])
    assert event.headers.get("idempotency-key") == raw["headers"]["Idempotency-Key"]
    assert event.query_string_parameters == {}
    assert event.path_parameters == {}
    assert event.headers.get("content-length") == str(len(raw["body"].encode()))


def test_rest_jwt_authorizer_claims_keep_their_json_types():
    # rest-api-jwt-authorizer-claims.html: "A Lambda proxy integration receives each claim with its JSON type."
    raw = load("api-gateway-rest", "get_order_jwt.json")
    event = APIGatewayProxyEvent(raw)
    authorizer = event.request_context.authorizer
    assert authorizer.claims == raw["requestContext"]["authorizer"]["claims"]
    assert authorizer.claims["token_use"] == "access"
    assert authorizer.claims["iss"].startswith("https://cognito-idp.us-east-1.amazonaws.com/")
    assert isinstance(authorizer.claims["exp"], int) and authorizer.claims["exp"] > authorizer.claims["iat"]
    assert "scopes" not in raw["requestContext"]["authorizer"]  # not documented for REST JWT authorizers
    assert authorizer.claims["scope"].split() == ["orders/read"]
    assert event.headers.get("authorization", "").startswith("Bearer ")
    assert event.path_parameters == {"orderId": "ord-1001"}
    assert event.query_string_parameters == {}


def test_rest_mtls_request_carries_the_client_certificate():
    # rest-api-mutual-tls.html: "API Gateway forwards the certificates that clients provide to Lambda authorizers
    # and to backend integrations."
    raw = load("api-gateway-rest", "post_order_mtls.json")
    event = APIGatewayProxyEvent(raw)
    cert = event.request_context.identity.client_cert
    expected = raw["requestContext"]["identity"]["clientCert"]
    assert cert is not None
    assert cert.subject_dn == expected["subjectDN"] == "CN=warehouse,OU=Logistics,O=Example Freight Ltd,C=GB"
    assert cert.issuer_dn == expected["issuerDN"]
    assert cert.serial_number == expected["serialNumber"]
    assert cert.client_cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert cert.validity_not_before == expected["validity"]["notBefore"]
    assert cert.validity_not_after == expected["validity"]["notAfter"]
    # A custom domain: the path the client called has no stage prefix, unlike the execute-api endpoint.
    assert event.request_context.domain_name == "orders-api.example.com"
    assert event.request_context.path == "/orders"
    assert event.json_body["items"][0]["sku"] == "PALLET-EU"
    assert event.headers.get("content-length") == str(len(raw["body"].encode()))


def test_http_api_v2_get_has_cookies_and_joined_query_values():
    raw = load("api-gateway-http", "v2_get_orders.json")
    event = APIGatewayProxyEventV2(raw)
    assert event.version == "2.0"
    assert event.route_key == "GET /orders"
    assert event.raw_path == "/orders"
    assert event.raw_query_string == raw["rawQueryString"]
    assert event.cookies == raw["cookies"]
    assert event.query_string_parameters["status"] == "shipped,delivered"
    assert event.http_method == "GET"
    assert event.request_context.stage == "$default"
    assert event.request_context.http.source_ip == raw["requestContext"]["http"]["sourceIp"]
    assert event.request_context.time_epoch == raw["requestContext"]["timeEpoch"]
    assert all(name == name.lower() for name in raw["headers"])


def test_http_api_v2_post_body_is_base64_encoded():
    raw = load("api-gateway-http", "v2_post_form_base64.json")
    event = APIGatewayProxyEventV2(raw)
    assert event.is_base64_encoded is True
    assert event.decoded_body == base64.b64decode(raw["body"]).decode("utf-8")
    assert "order_id=ord-1002" in event.decoded_body
    assert event.path_parameters == {"provider": "acmepay"}
    assert event.route_key == "POST /webhooks/{provider}"
    assert event.headers.get("content-length") == str(len(base64.b64decode(raw["body"])))


def test_http_api_v2_put_has_jwt_claims_path_parameters_body_and_stage_variables():
    raw = load("api-gateway-http", "v2_put_order_jwt.json")
    event = APIGatewayProxyEventV2(raw)
    authorizer = event.request_context.authorizer
    assert authorizer.jwt_claim == raw["requestContext"]["authorizer"]["jwt"]["claims"]
    assert authorizer.jwt_claim["username"] == "grace.support"
    assert authorizer.jwt_scopes == ["orders/read", "orders/write"]
    assert set(authorizer.jwt_scopes) == set(authorizer.jwt_claim["scope"].split())
    assert event.route_key == "PUT /orders/{orderId}"
    assert event.path_parameters == {"orderId": "ord-1003"}
    assert event.stage_variables == {"ordersTable": "orders-prod", "auditTopic": "order-audit-prod"}
    assert event.json_body == {"status": "cancelled", "reason": "customer asked to cancel before dispatch"}
    assert event.http_method == "PUT"
    assert event.headers.get("content-length") == str(len(raw["body"].encode()))
    assert all(name == name.lower() for name in raw["headers"])


def test_http_api_v1_event_parses_as_proxy_event():
    raw = load("api-gateway-http", "v1_get_order.json")
    event = APIGatewayProxyEvent(raw)
    assert event.version == "1.0"
    assert event.resource == "/orders/{orderId}"
    assert event.http_method == "GET"
    assert event.multi_value_query_string_parameters == {"expand": ["items", "customer"]}
    assert event.request_context.stage == "$default"
    assert event.request_context.request_id == raw["requestContext"]["requestId"]
    # http-api-develop-integrations-lambda.html shows both payload versions and says all header names are
    # lowercased; its 1.0 example has "resourceId": null and an authorizer block with null claims and scopes.
    assert all(name == name.lower() for name in raw["headers"])
    assert all(name == name.lower() for name in raw["multiValueHeaders"])
    assert raw["requestContext"]["resourceId"] is None
    assert raw["requestContext"]["authorizer"] == {"claims": None, "scopes": None}
    assert event.request_context.authorizer.claims == {}  # Powertools reads a null claims map as empty
    assert event.headers.get("accept") == "application/json"


def test_function_url_public_get_has_placeholders_and_no_authorizer():
    raw = load("function-urls", "get_public.json")
    event = LambdaFunctionUrlEvent(raw)
    assert event.version == "2.0"
    assert event.route_key == "$default"
    assert event.request_context.stage == "$default"
    assert event.raw_path == "/status"
    assert event.query_string_parameters == {"service": "checkout", "verbose": "1"}
    assert event.cookies == raw["cookies"]
    assert event.request_context.authorizer.iam.user_arn == ""
    assert event.request_context.domain_name == raw["headers"]["host"]


def test_function_url_iam_post_carries_caller_identity():
    raw = load("function-urls", "post_iam.json")
    event = LambdaFunctionUrlEvent(raw)
    iam = event.request_context.authorizer.iam
    expected = raw["requestContext"]["authorizer"]["iam"]
    assert iam.user_arn == expected["userArn"]
    assert iam.account_id == expected["accountId"]
    assert iam.caller_id == expected["callerId"]
    assert iam.access_key == expected["accessKey"]
    assert iam.user_id == expected["userId"]
    assert event.request_context.http.method == "POST"
    assert event.json_body == json.loads(raw["body"])
    assert event.request_context.api_id == event.request_context.domain_prefix


def test_alb_default_format_keeps_single_values_undecoded():
    raw = load("alb", "get_search.json")
    event = ALBEvent(raw)
    assert event.request_context.elb_target_group_arn == raw["requestContext"]["elb"]["targetGroupArn"]
    assert event.http_method == "GET"
    assert event.path == "/products/search"
    assert event.query_string_parameters == {"q": "running%20shoes", "size": "42", "tag": "sale"}
    assert event.headers.get("cookie") == "theme=dark"
    assert event.multi_value_headers == {}
    assert event.body == ""
    assert event.is_base64_encoded is False


def test_alb_multi_value_format_has_lists_only():
    raw = load("alb", "multi_value.json")
    event = ALBEvent(raw)
    assert event.multi_value_query_string_parameters["tag"] == ["new", "sale"]
    assert event.multi_value_headers["cookie"] == ["session=a91f4c2e7b", "theme=dark"]
    assert event.query_string_parameters == {}
    assert event.headers == {}
    assert event.resolved_query_string_parameters["tag"] == ["new", "sale"]
