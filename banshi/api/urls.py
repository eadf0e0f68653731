from banshi.api.views import api

__all__ = ["api"]
