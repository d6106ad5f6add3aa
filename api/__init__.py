"""HTTP API: a thin FastAPI shell over ``PolicyAssistant`` (see ``api.app.create_app``)."""
