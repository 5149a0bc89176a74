"""The os-contract family's declarations: no bounds or options of its own, one property."""
from ..base import Family
from .known import KNOWN
from .properties import DOCS

CONTRACT = Family("contract", "the kernel alone with a trivial writer: the OS's fsync "
                  "contract", properties=DOCS, known=KNOWN)
