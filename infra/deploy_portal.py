"""Upload the built client portal to a deployed Portcullis stack.

    .venv/bin/python infra/deploy_portal.py --stack NAME [--region R] [--dist portal/dist]

Reads the stack's PortalBucketName output, uploads every file of the build with
its Content-Type and Cache-Control (the content-hashed files under assets/ cached
for a year; index.html, the page behind every emailed link and its token, never
stored; anything else revalidated on each use), and deletes the files the build no
longer has (except under assets/: pages still open in a browser may ask for the
old ones). Nothing is invalidated: the distribution caches no page.
"""

import argparse
import mimetypes
import sys
from pathlib import Path

try:
    import boto3
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    sys.exit("boto3 is missing: run this with the project's .venv/bin/python.")

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "portal" / "dist"
ASSETS = "assets/"
OUTPUTS = ("PortalBucketName",)


def cache_control(key: str) -> str:
    if key.startswith(ASSETS):
        return "public, max-age=31536000, immutable"
    # The page a token-carrying link opens: kept in no cache, the browser's included.
    if key == "index.html":
        return "no-store"
    return "no-cache"

for kind, extension in [
    ("text/javascript", ".js"),
    ("text/javascript", ".mjs"),
    ("application/json", ".map"),
    ("application/manifest+json", ".webmanifest"),
    ("font/woff2", ".woff2"),
]:
    mimetypes.add_type(kind, extension)


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("json", "xml")):
        kind += "; charset=utf-8"
    return kind


def build_files(dist: Path) -> dict[str, Path]:
    """The build's files by key: assets first and index.html last, so that a new
    page never refers to a file not uploaded yet."""
    if not (dist / "index.html").is_file():
        sys.exit(f"No portal build in {dist} (no index.html): run `make build` first.")
    files = {p.relative_to(dist).as_posix(): p for p in dist.rglob("*") if p.is_file()}
    order = lambda key: (not key.startswith(ASSETS), key == "index.html", key)
    return {key: files[key] for key in sorted(files, key=order)}


def stack_outputs(cloudformation, stack: str) -> dict[str, str]:
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as err:
        if "does not exist" in str(err):
            sys.exit(f"No stack {stack!r} there: deploy it, or pass its --region.")
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}
    missing = [name for name in OUTPUTS if name not in outputs]
    if missing:
        sys.exit(
            f"Stack {stack!r} has no output {', '.join(missing)}: "
            "deploy the current template first (sam deploy)."
        )
    return outputs


def deploy(stack: str, region: str | None, dist: Path) -> None:
    files = build_files(dist)
    session = boto3.Session(region_name=region)
    outputs = stack_outputs(session.client("cloudformation"), stack)
    bucket = outputs["PortalBucketName"]
    s3 = session.client("s3")

    for key, path in files.items():
        extra = {
            "ContentType": content_type(path),
            "CacheControl": cache_control(key),
        }
        s3.upload_file(str(path), bucket, key, ExtraArgs=extra)
        print(f"uploaded s3://{bucket}/{key}")

    stale = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for obj in page.get("Contents", [])
        if obj["Key"] not in files and not obj["Key"].startswith(ASSETS)
    ]
    for start in range(0, len(stale), 1000):
        batch = [{"Key": key} for key in stale[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    for key in stale:
        print(f"deleted s3://{bucket}/{key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="name of the deployed stack")
    parser.add_argument("--region", help="its region (default: AWS configuration's)")
    parser.add_argument(
        "--dist", type=Path, default=DEFAULT_DIST, help="the build (portal/dist)"
    )
    args = parser.parse_args()
    try:
        deploy(args.stack, args.region, args.dist)
    except (ClientError, BotoCoreError, Boto3Error) as err:
        sys.exit(f"AWS error: {err}")


if __name__ == "__main__":
    main()
