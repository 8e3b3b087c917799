"""Server-rendered pages shared by the services: layout, language, sessions, charts and assets."""
from shared.webui.pages import Pages, html_error, install_webui, page_router
from shared.webui.session import (LoginRequired, check_csrf, clear_session, csrf_token, page_principal,
                                  require_page_role, safe_next, set_session)

__all__ = ["LoginRequired", "Pages", "check_csrf", "clear_session", "csrf_token", "html_error", "install_webui",
           "page_principal", "page_router", "require_page_role", "safe_next", "set_session"]
