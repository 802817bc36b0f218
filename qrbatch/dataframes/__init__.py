"""The DataFrame front end: a frame in, a frame of codes out (``create_codes``,
``acreate_codes``, ``validate_frame``), for notebooks and scripts."""

from qrbatch.dataframes.codes import acreate_codes, create_codes, validate_frame

__all__ = ["acreate_codes", "create_codes", "validate_frame"]
