"""The registry's pages: signing in, an organization's own record and annual-report form, and the
registrar's work queues and report review."""
