"""The only code that talks to target databases: engines, transactions, reflection, drift and the data map."""

from registre.core.sources.connection import (
    SourceError,
    create_engine_for,
    create_engine_for_url,
    describe_error,
    display_url,
    normalise_url,
    read_only_connection,
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

__all__ = [
    "DataMap",
    "DatasetDrift",
    "MappedActivity",
    "MappedDataset",
    "MappedField",
    "MappedSystem",
    "SourceError",
    "SystemDrift",
    "build_data_map",
    "create_engine_for",
    "create_engine_for_url",
    "describe_error",
    "display_url",
    "inspect_drift",
    "inspect_system",
    "normalise_url",
    "qualified_name",
    "read_only_connection",
    "reflect_dataset",
    "write_transaction",
]
