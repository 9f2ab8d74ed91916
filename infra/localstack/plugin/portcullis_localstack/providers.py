"""DynamoDB and SESv2 served by the moto engine that LocalStack bundles."""

import json
import threading

from localstack.aws.spec import load_service
from localstack.services.moto import dispatch_to_moto
from localstack.services.plugins import Service, aws_provider
from localstack.services.ses.models import SentEmail, SentEmailBody
from localstack.services.ses.provider import (
    register_ses_api_resource,
    save_for_retrospection,
)


class MotoProvider:
    """A provider with no operations of its own: every one goes to moto."""

    def __init__(self, service: str):
        self.service = service


def moto_dispatch_table(provider: MotoProvider, overrides=None) -> dict:
    """Every operation of the service handed to moto, one request at a time.

    Real DynamoDB applies a conditional write to an item atomically; moto does not,
    so two concurrent conditional writes could both pass their condition. Handling
    the requests one at a time gives the emulator the guarantee the code under test
    relies on, so a race test measures Portcullis, not the emulator.
    """
    lock = threading.Lock()

    def serialised(operation):
        def handle(context, request):
            with lock:
                return operation(context, request)

        return handle

    def to_moto(context, _request):
        return dispatch_to_moto(context)

    overrides = overrides or {}
    return {
        name: serialised(overrides.get(name, to_moto))
        for name in load_service(provider.service).operation_names
    }


def send_email(context, request):
    """SESv2 SendEmail, kept for `/_aws/ses` as LocalStack's SES keeps what it sends."""
    response = dispatch_to_moto(context)
    if response.status_code == 200:
        simple = request.get("Content", {}).get("Simple", {})
        body = simple.get("Body", {})
        save_for_retrospection(
            SentEmail(
                Id=json.loads(response.data)["MessageId"],
                Region=context.region,
                Destination=request.get("Destination", {}),
                Source=request.get("FromEmailAddress"),
                Subject=simple.get("Subject", {}).get("Data"),
                Body=SentEmailBody(
                    text_part=body.get("Text", {}).get("Data"),
                    html_part=body.get("Html", {}).get("Data"),
                ),
            )
        )
    return response


@aws_provider(api="dynamodb", name="portcullis")
def dynamodb():
    return Service.for_provider(MotoProvider("dynamodb"), moto_dispatch_table)


@aws_provider(api="sesv2", name="default")
def sesv2():
    register_ses_api_resource()
    return Service.for_provider(
        MotoProvider("sesv2"),
        lambda provider: moto_dispatch_table(provider, {"SendEmail": send_email}),
    )
