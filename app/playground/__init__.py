"""The in-browser playgrounds: Scalar's API reference over the workspace's OpenAPI documents
and GraphiQL (with its explorer) over /graphql and /metadata, served with every asset from
this package (static/vendor/, written by scripts/vendor-playground-assets.sh): no CDN.
"""
