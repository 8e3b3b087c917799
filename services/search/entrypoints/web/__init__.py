"""The search service's public pages: search, organization profiles, the published credit lists and
the goals dashboard (server-rendered, no sign-in, no personal data)."""
