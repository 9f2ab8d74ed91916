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
