"""`field__any=[…]`: membership in a long id list as one array parameter on PostgreSQL.

`pk__in=[826 ids]` makes Django build 826 placeholders and adapt 826 parameters on every query,
a few milliseconds of Python each time (bench/workbench.py, the handler's pages). PostgreSQL takes
the whole list as one array, `id = ANY(%s::bigint[])`, which it plans like the `IN` list (a hashed
lookup on PostgreSQL ≥ 14, as long as the array has the column's type). Other databases get the plain `IN`.
Registered on integer fields only (ids): a `varchar(n)[]` cast would truncate longer strings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, Lookup


@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(v, connection) for v in self.rhs]
        if not values:
            return "1 = 0", []  # nothing matches an empty list (as `__in=[]` would)
        if connection.vendor == "postgresql":
            # Typed as the column: psycopg sends small ints as integer[], and `bigint = integer`
            # is not hashed, so every row would be compared with the whole list (5 → 58 ms for
            # 826 ids in bench/workbench.py).
            db_type = self.lhs.output_field.cast_db_type(connection)
            return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
