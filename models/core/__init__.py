"""Shared by every topic: data, checkpoints and integrity, device and threads, seeding, the judge
and metrics, the training set-up."""
