"""Authentication: verifying bearer tokens (OIDC JWTs) and, in dev, signing our own."""
