"""Tests that need a real Celery worker process or an S3 server (they run in both CI stages)."""
