"""The `/metadata` GraphQL API: Twenty's static metadata schema, built with Strawberry.

Modules: `scalars` (UUID, DateTime, JSON, ConnectionCursor), `enums`, `inputs` (Twenty's input
types, by name), `types` (Object, Field, Relation and their connections), `paging` (cursors,
CursorPaging, ObjectFilter/FieldFilter evaluation), `api_keys` and `roles` (their types,
inputs and operations), `context` (what a resolver knows), `schema` (Query and Mutation merged
from the above), `endpoint` (POST /metadata: authentication, execution, error rendering).
"""
