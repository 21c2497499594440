"""Extraction: policy text in, controller, collected data and flows out.

>>> from policykg.extract import extract_file
>>> r = extract_file("examples/policies/inagora-onemall.en.txt")  # doctest: +SKIP
>>> sorted({f.recipient.organization for f in r.flows if f.recipient.organization})  # doctest: +SKIP
['Alibaba', 'Facebook', 'Google', 'PayPal', 'Stripe']
"""
from .model import Collected, Condition, DataItem, Evidence, Flow, Party, PolicyResult, Source
from .pipeline import extract_bytes, extract_document, extract_file, extract_text
from .read import ReadError, read_path

__all__ = ["extract_text", "extract_file", "extract_bytes", "extract_document", "read_path", "ReadError",
           "PolicyResult", "Flow", "Party", "DataItem", "Evidence", "Collected", "Condition", "Source"]
