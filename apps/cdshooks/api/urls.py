"""API routes (included under /api/v1/ by config/api_router.py)."""

urlpatterns: list = []
