"""Code that runs inside AWS Lambda for drkit: the regional API and the replication canary.

Only the standard library and the boto3/botocore that the Lambda Python runtime ships are
available here, so nothing in this package imports drkit or any third-party library.
"""
