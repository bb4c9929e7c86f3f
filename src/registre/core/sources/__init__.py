"""The only code that talks to target databases: engines, transactions, reflection, batches, drift and the data map."""

from registre.core.sources.catalog import SystemCatalog, catalog_for, close_catalogs, use_reflection_cache
from registre.core.sources.connection import (
    SourceError,
    create_engine_for,
    create_engine_for_url,
    describe_error,
    display_url,
    normalise_url,
    read_only_connection,
    read_only_transaction,
    write_transaction,
)
from registre.core.sources.datamap import (
    DataMap,
    MappedActivity,
    MappedDataset,
    MappedField,
    MappedSystem,
    build_data_map,
)
from registre.core.sources.drift import DatasetDrift, SystemDrift, inspect_drift, inspect_system
from registre.core.sources.reflection import qualified_name, reflect_dataset
from registre.core.sources.trail import (
    AuditTrail,
    ChangeList,
    TargetChange,
    UnauditedChange,
    audit_trail,
    current_trail,
    trail_in_force,
)

__all__ = [
    "AuditTrail",
    "ChangeList",
    "DataMap",
    "DatasetDrift",
    "MappedActivity",
    "MappedDataset",
    "MappedField",
    "MappedSystem",
    "SourceError",
    "SystemCatalog",
    "SystemDrift",
    "TargetChange",
    "UnauditedChange",
    "audit_trail",
    "build_data_map",
    "catalog_for",
    "close_catalogs",
    "create_engine_for",
    "create_engine_for_url",
    "current_trail",
    "describe_error",
    "display_url",
    "inspect_drift",
    "inspect_system",
    "normalise_url",
    "qualified_name",
    "read_only_connection",
    "read_only_transaction",
    "reflect_dataset",
    "trail_in_force",
    "use_reflection_cache",
    "write_transaction",
]
