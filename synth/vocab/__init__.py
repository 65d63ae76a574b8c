"""Shared vocabulary below every stage: what an accounts cell, a job title and a product name mean.

One definition each, imported by the stages that read them (ingest and icp; extract and themes), so
two stages never disagree about what "Closed Won", "VP of Eng" or "Vault OSS" is.
"""
