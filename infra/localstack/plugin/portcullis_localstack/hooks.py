"""Start-up hooks: an S3 folder per instance, 127.0.0.1 only, and SMS and pushes
recorded before Publish answers."""

import os

from localstack.runtime import hooks


# Before the services load (eager loading is a hook of priority 0), so the S3
# provider is created with this folder.
@hooks.on_infra_start(priority=10)
def portcullis_s3_storage():
    """LocalStack keeps S3 objects under /tmp/localstack-s3-storage, shared by every
    instance on the machine; `PORTCULLIS_S3_DIR` gives this instance a folder of its
    own, which its launcher removes when it stops."""
    folder = os.environ.get("PORTCULLIS_S3_DIR")
    if not folder:
        return
    from localstack.services.s3 import provider

    os.makedirs(folder, exist_ok=True)
    provider.DEFAULT_S3_TMP_DIR = folder


# Before the gateway server is made (after the on_infra_start hooks).
@hooks.on_infra_start()
def portcullis_listen_on_gateway_host():
    """LocalStack 4.13.1 listens on every IPv4 interface whatever host
    GATEWAY_LISTEN names (localstack/runtime/server/twisted.py: "TODO: interface =
    host?"): make it listen on that host only, 127.0.0.1 for Portcullis."""
    import types

    from twisted.internet import endpoints

    from localstack import config
    from localstack.runtime.server import twisted as server

    hosts = {listen.port: listen.host for listen in config.GATEWAY_LISTEN}

    def tcp4_on_named_host(reactor, port, *args, **kwargs):
        kwargs.setdefault("interface", hosts.get(port, "127.0.0.1"))
        return endpoints.TCP4ServerEndpoint(reactor, port, *args, **kwargs)

    server.endpoints = types.SimpleNamespace(
        TCP4ServerEndpoint=tcp4_on_named_host,
        TCP6ServerEndpoint=endpoints.TCP6ServerEndpoint,
    )


# Before the services load, so the SNS provider's dispatcher has these methods.
@hooks.on_infra_start(priority=10)
def portcullis_record_texts_before_publish_answers():
    """LocalStack's SNS hands an SMS or a push to a thread pool and answers Publish
    at once, so a reader of /_aws/sns/sms-messages right after could miss it (a
    test failed so on a 2-core CI machine). Record it before Publish answers, as the
    outbox of moto does."""
    from localstack.services.sns.publisher import PublishDispatcher

    def publish_to_phone_number(self, ctx, phone_number):
        self.sms_notifier.publish(context=ctx, endpoint=phone_number)

    def publish_to_application_endpoint(self, ctx, endpoint_arn):
        self.application_notifier.publish(context=ctx, endpoint=endpoint_arn)

    PublishDispatcher.publish_to_phone_number = publish_to_phone_number
    PublishDispatcher.publish_to_application_endpoint = publish_to_application_endpoint
