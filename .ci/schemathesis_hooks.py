"""Lets schemathesis send rule sets as TOML: it serializes generated values to the media type."""
import schemathesis


@schemathesis.serializer("application/toml")
def toml_serializer(ctx, value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
