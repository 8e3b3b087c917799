"""The inspection service's pages: the public draws and their verification, an organization's
rectification notices and credit status, and the inspector's work queue."""
