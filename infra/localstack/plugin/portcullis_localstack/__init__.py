"""Portcullis's LocalStack plugin.

LocalStack's own DynamoDB downloads DynamoDB Local (a Java server) at first use, and
its free edition has no SESv2; both are served here by the moto engine LocalStack
bundles. Every other service stays LocalStack's own.
"""
