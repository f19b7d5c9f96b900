"""The text pages' views."""
