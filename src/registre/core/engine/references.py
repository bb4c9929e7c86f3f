"""How the datasets of one system point at each other, and in which order they are erased.

The graph belongs to the policy (`registre.core.policy.ownership`, which
`registre check` reads too); the engine and retention use it from here.
"""

from registre.core.policy.ownership import Link, SystemGraph

__all__ = ["Link", "SystemGraph"]
