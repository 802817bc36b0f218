"""The DataFrame front end: a frame in, a frame of codes out (``create_codes``,
``acreate_codes``, ``validate_frame``), the codes drawn inline (``show``), and the upkeep
of its journals (``prune``), for notebooks and scripts. Also ``qrbatch.frames``."""

from qrbatch.dataframes.codes import acreate_codes, create_codes, validate_frame
from qrbatch.dataframes.show import show
from qrbatch.dataframes.upkeep import prune
from qrbatch.run.prune import Pruned

__all__ = ["Pruned", "acreate_codes", "create_codes", "prune", "show", "validate_frame"]
