from app.errors import (
    AppError,
    FieldNotFound,
    PermissionDenied,
    RecordNotFound,
    Unauthenticated,
    did_you_mean,
)


def test_rest_envelope_is_twentys_plus_code_and_hint() -> None:
    error = FieldNotFound("'nmae' does not exist", hint="Did you mean 'name'?")
    assert error.to_rest() == {
        "statusCode": 400,
        "error": "BadRequestException",
        "messages": ["'nmae' does not exist"],
        "code": "FIELD_NOT_FOUND",
        "hint": "Did you mean 'name'?",
    }


def test_statuses_and_names_follow_twenty() -> None:
    assert RecordNotFound("Record not found").to_rest()["error"] == "NotFoundException"
    assert Unauthenticated("x").to_rest()["error"] == "UNAUTHENTICATED"
    assert Unauthenticated("x").status == 401
    assert PermissionDenied("User does not have permission").status == 400
    assert PermissionDenied.graphql_code == "FORBIDDEN"


def test_every_error_code_is_unique() -> None:
    seen: dict[str, type] = {}

    def walk(cls: type[AppError]) -> None:
        for sub in cls.__subclasses__():
            if "code" in sub.__dict__:
                assert sub.code not in seen, f"{sub} reuses {sub.code} of {seen.get(sub.code)}"
                seen[sub.code] = sub
            walk(sub)

    walk(AppError)
    assert len(seen) > 10


def test_did_you_mean_suggests_only_close_names() -> None:
    assert did_you_mean("peple", ["people", "companies"]) == "Did you mean 'people'?"
    assert did_you_mean("zzz", ["people", "companies"]) is None
