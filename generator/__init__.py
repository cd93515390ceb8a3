"""Sufficiency statement site generator.

The pipeline (see ARCHITECTURE.md):
(extract) -> load -> validate -> stats -> charts -> render -> redact -> build -> check
"""
__version__ = "0.1.0"
