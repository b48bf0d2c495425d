"""The fast path: a query made only of record reads, answered with JSON PostgreSQL builds.

graphql-core resolves and completes every field of every record in Python; for the queries
clients send all day (`people(first: 60, orderBy: …) { edges { node { … company { name } } } }`)
that is most of the request's cost. A query whose root fields are all `find many` / `find one`
reads (and `__typename`) is read into read trees with layouts (app.graphql.core.selection),
answered by the one reader (app.query.reader) in one statement, and its text is sent as
`{"data": …}` without being decoded.

Anything else answers None and graphql-core executes the document as before: mutations,
introspection, group-by and duplicates, variables that fail coercion, a selection the layouts
cannot describe, and any error (so that errors are reported, with their paths, by one path).
The document was parsed and validated before (and cached by text, app.graphql.core.documents).

Note [compiled queries]: what a query compiles to (its statement, or "not for the fast path")
depends only on the document, the operation chosen, the variables, the catalog snapshot and
the caller's access, so it is kept in a memo under exactly those (app.memo: objects by
identity, while they live). A client repeating its query pays for the statement and the HTTP
around it, not for walking the selection and rendering SQL again; a new catalog version is a
new snapshot, hence a new entry.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values

from app.errors import AppError
from app.graphql.core import arguments
from app.graphql.core.documents import variables_key
from app.graphql.core.resolvers import CoreContext
from app.graphql.core.roles import Kind, role_of
from app.graphql.core.selection import TYPENAME, Groups, NotCompilable, SelectionReader
from app.memo import MAX_KEPT_KEY, Memo
from app.query import layout, reader
from app.query.tree import ConnectionRead

_COMPILED = Memo(max_entries=1024)


async def answer(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: CoreContext,
) -> bytes | None:
    """The response body of a read-only query, or None to let graphql-core execute it."""
    given = variables_key(variables)
    compiled = _COMPILED.get(
        (document, context.catalog, context.access),
        (operation_name, given, context.limits),
        lambda: _compile(schema, document, variables, operation_name, context),
        keep=len(given) <= MAX_KEPT_KEY,
    )
    if compiled is None:
        return None
    try:
        async with context.db.connection() as conn:
            text = await reader.run(conn, compiled)
    except AppError:
        return None  # reported, with its path, by graphql-core's execution
    return b'{"data":' + text.encode() + b"}"


def _compile(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: CoreContext,
) -> reader.Compiled | None:
    operation = get_operation_ast(document, operation_name)
    query_type = schema.query_type
    if operation is None or operation.operation is not OperationType.QUERY or query_type is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    selection = SelectionReader(fragments, coerced, context.catalog, strict=True)
    groups: Groups = {}
    selection.collect_set(operation.selection_set, query_type, groups)
    try:
        roots = [_root(selection, query_type, key, nodes) for key, nodes in groups.items()]
        if any(root is None for root in roots):
            return None
        return reader.compile_read(
            context.catalog,
            [root for root in roots if root is not None],
            access=context.access,
            limits=context.limits,
        )
    except (NotCompilable, AppError):
        return None


def _root(
    selection: SelectionReader, query_type: GraphQLObjectType, key: str, nodes: Any
) -> reader.Root | None:
    name = nodes[0].name.value
    if name == TYPENAME:
        return (key, layout.Const(query_type.name))
    definition = query_type.fields.get(name)
    role = role_of(definition)
    if definition is None or role is None or role.obj is None:
        return None  # introspection, group-by, duplicates: graphql-core's
    output = get_named_type(definition.type)
    assert isinstance(output, GraphQLObjectType)
    args = selection.arguments(query_type, nodes[0])
    if role.kind is Kind.FIND_MANY:
        return (key, role.obj, selection.connection(role.obj, output, nodes, args, definition.args))
    if role.kind is Kind.FIND_ONE:
        filter_type = get_named_type(definition.args["filter"].type)
        request = ConnectionRead(
            filter=arguments.to_filter(args.get("filter"), filter_type),
            first=1,
            records=selection.record(role.obj, output, nodes),
            layout=layout.RECORD,
        )
        return (key, role.obj, request)
    return None
