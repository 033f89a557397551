"""Pydantic models of a review: what the tools take and return."""
