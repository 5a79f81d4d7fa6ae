"""Benefit claims (裁定請求): no models yet."""
