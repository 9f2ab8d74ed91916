"""Start-up hooks: each LocalStack instance keeps its S3 objects in its own folder."""

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
