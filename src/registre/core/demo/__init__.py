"""Deterministic synthetic databases for the cloud-host example policy.

`generate_demo_databases` creates the tables of the example's two systems
(`crm` and `platform`) and fills them with people who never existed, at any
size from a few hundred to millions of data subjects. The demo, the tests and
the benchmarks of the engine all run on these databases.
"""

from registre.core.demo.generator import GenerationReport, generate_demo_databases
from registre.core.demo.schema import SYSTEMS, crm_metadata, platform_metadata
from registre.core.demo.timeline import DEMO_TODAY

__all__ = [
    "DEMO_TODAY",
    "SYSTEMS",
    "GenerationReport",
    "crm_metadata",
    "generate_demo_databases",
    "platform_metadata",
]
